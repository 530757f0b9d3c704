package io.cinnabar.scripting;

import io.cinnabar.command.CommandError;
import io.cinnabar.persistence.rdb.DumpPayload;
import io.cinnabar.persistence.rdb.RdbFormatException;
import io.cinnabar.persistence.rdb.RdbValueReader;
import io.cinnabar.persistence.rdb.RdbValueWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The FUNCTION DUMP payload exactly as Redis 7.0 writes it: per library the RDB opcode
 * RDB_OPCODE_FUNCTION2 and the library code as an RDB string (LZF-compressed under rdbcompression
 * when that saves bytes), framed as a DUMP payload (RDB version and CRC64). The
 * strings and the frame are the RDB value codec's.
 */
final class FunctionPayload {
    static final int OPCODE_FUNCTION_PRE_GA = 244;
    static final int OPCODE_FUNCTION2 = 245;

    private FunctionPayload() {}

    static final class Writer {
        private final RdbValueWriter out;

        Writer(boolean compress) {
            out = new RdbValueWriter(compress);
        }

        void function(byte[] code) {
            out.writeByte(OPCODE_FUNCTION2);
            out.writeString(code, 0, code.length);
        }

        byte[] finish() {
            return DumpPayload.frame(out);
        }
    }

    /** The library codes of a payload, in order; errors worded as FUNCTION RESTORE's. */
    static List<byte[]> read(byte[] p) {
        if (!DumpPayload.verify(p)) {
            throw new CommandError("ERR DUMP payload version or checksum are wrong");
        }
        List<byte[]> codes = new ArrayList<>();
        int end = DumpPayload.footerStart(p);
        // Redis reads each string from the whole buffer: it may run into the footer. Strings
        // need no encoding limits.
        RdbValueReader in = new RdbValueReader(p, 0, p.length, null);
        while (in.position() < end) {
            int type = in.readByte();
            if (type == OPCODE_FUNCTION_PRE_GA) {
                throw new CommandError("ERR Pre-GA function format not supported");
            }
            if (type != OPCODE_FUNCTION2) {
                throw new CommandError("ERR given type is not a function");
            }
            try {
                codes.add(in.readString());
            } catch (RdbFormatException e) {
                throw new CommandError("ERR Failed loading library payload");
            }
        }
        return codes;
    }
}
