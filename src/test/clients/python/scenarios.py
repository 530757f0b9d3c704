"""redis-py scenarios for ClientLibrariesTest: usage: scenarios.py HOST PORT

Prints one JSON line per observed result. The same script runs against redis-server and
Cinnabar; the transcripts must be equal, so every line holds only what is deterministic
(values that legitimately differ, such as TTL countdowns or auto-generated stream IDs,
are reduced to the property an application relies on)."""
import json
import sys
import threading
import time

import redis

HOST, PORT = sys.argv[1], int(sys.argv[2])
DEADLINE_SECONDS = 5.0


def emit(step, value):
    print(json.dumps([step, value], sort_keys=True, default=_jsonable), flush=True)


def _jsonable(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, Exception):
        return [type(value).__name__, str(value)]
    return repr(value)


def connect(**options):
    return redis.Redis(host=HOST, port=PORT, decode_responses=True, socket_timeout=10, **options)


def poll(condition, what):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out waiting for " + what)
        time.sleep(0.01)


def hello(r):
    reply = r.execute_command("HELLO", "2")
    fields = dict(zip(reply[::2], reply[1::2]))
    emit("hello.fields", sorted(fields))
    emit("hello.proto", fields["proto"])
    emit("hello.role", fields["role"])


def strings_with_ttl(r):
    emit("set.ex", r.set("cl:greeting", "hello", ex=100))
    ttl = r.ttl("cl:greeting")
    emit("ttl.in.range", 0 < ttl <= 100)
    pttl = r.pttl("cl:greeting")
    emit("pttl.in.range", 90000 < pttl <= 100000)
    emit("set.nx.existing", r.set("cl:greeting", "again", nx=True))
    emit("get", r.get("cl:greeting"))
    emit("set.keepttl", r.set("cl:greeting", "bye", keepttl=True))
    emit("ttl.kept", r.ttl("cl:greeting") > 0)
    emit("persist", r.persist("cl:greeting"))
    emit("ttl.none", r.ttl("cl:greeting"))
    emit("setex", r.setex("cl:short", 1, "v"))
    emit("expire.ms", r.pexpire("cl:short", 50))
    poll(lambda: r.exists("cl:short") == 0, "cl:short to expire")
    emit("expired", r.get("cl:short"))
    emit("ttl.missing", r.ttl("cl:short"))
    emit("getex", r.getex("cl:greeting", px=60000))
    emit("getdel", r.getdel("cl:greeting"))
    emit("append", r.append("cl:s", "abc"))
    emit("strlen", r.strlen("cl:s"))
    emit("getrange", r.getrange("cl:s", 1, -1))


def counters(r):
    emit("incr", r.incr("cl:counter"))
    emit("incrby", r.incrby("cl:counter", 41))
    emit("decr", r.decr("cl:counter"))
    emit("incrbyfloat", r.incrbyfloat("cl:float", 2.5))
    emit("incrbyfloat.again", r.incrbyfloat("cl:float", 0.1))
    r.set("cl:notnum", "abc")
    try:
        r.incr("cl:notnum")
    except redis.ResponseError as e:
        emit("incr.error", e)


def mset_mget(r):
    emit("mset", r.mset({"cl:m1": "a", "cl:m2": "b", "cl:m3": "c"}))
    emit("mget", r.mget(["cl:m1", "cl:missing", "cl:m3"]))
    emit("msetnx", r.msetnx({"cl:m1": "x", "cl:m4": "d"}))


def hashes(r):
    emit("hset", r.hset("cl:user:1", mapping={"name": "Ada", "visits": 1, "lang": "en"}))
    emit("hget", r.hget("cl:user:1", "name"))
    emit("hgetall", r.hgetall("cl:user:1"))
    emit("hincrby", r.hincrby("cl:user:1", "visits", 5))
    emit("hincrbyfloat", r.hincrbyfloat("cl:user:1", "score", 1.25))
    emit("hmget", r.hmget("cl:user:1", ["name", "nope", "visits"]))
    emit("hdel", r.hdel("cl:user:1", "lang", "nope"))
    emit("hexists", r.hexists("cl:user:1", "lang"))
    emit("hlen", r.hlen("cl:user:1"))
    emit("hkeys", sorted(r.hkeys("cl:user:1")))
    emit("hsetnx", r.hsetnx("cl:user:1", "name", "Bob"))
    emit("hscan_iter", sorted(r.hscan_iter("cl:user:1")))


def lists(r, other):
    emit("rpush", r.rpush("cl:queue", "a", "b", "c"))
    emit("lpush", r.lpush("cl:queue", "z"))
    emit("lrange", r.lrange("cl:queue", 0, -1))
    emit("lpop", r.lpop("cl:queue"))
    emit("rpop.count", r.rpop("cl:queue", 2))
    emit("llen", r.llen("cl:queue"))
    emit("lindex", r.lindex("cl:queue", 0))
    emit("linsert", r.linsert("cl:queue", "AFTER", "a", "b"))
    emit("lrem", r.lrem("cl:queue", 0, "b"))
    emit("lpos", r.lpos("cl:queue", "a"))
    emit("lmove", r.lmove("cl:queue", "cl:queue2", "LEFT", "RIGHT"))
    emit("blpop.timeout", r.blpop(["cl:empty"], timeout=0.1))
    result = {}

    def blocked_pop():
        result["value"] = r.blpop(["cl:jobs", "cl:other"], timeout=5)

    popper = threading.Thread(target=blocked_pop)
    popper.start()
    poll(lambda: int(other.info("clients")["blocked_clients"]) == 1, "the BLPOP to block")
    emit("rpush.wakes", other.rpush("cl:jobs", "job-1", "job-2"))
    popper.join(DEADLINE_SECONDS)
    emit("blpop.woken", result.get("value"))
    emit("left.after.blpop", other.lrange("cl:jobs", 0, -1))


def sets(r):
    emit("sadd", r.sadd("cl:tags:a", "red", "green", "blue"))
    emit("sadd.b", r.sadd("cl:tags:b", "green", "yellow"))
    emit("smembers", r.smembers("cl:tags:a"))
    emit("sismember", r.sismember("cl:tags:a", "red"))
    emit("smismember", r.smismember("cl:tags:a", ["red", "pink"]))
    emit("sinter", r.sinter("cl:tags:a", "cl:tags:b"))
    emit("sunion", r.sunion("cl:tags:a", "cl:tags:b"))
    emit("sdiff", r.sdiff("cl:tags:a", "cl:tags:b"))
    emit("scard", r.scard("cl:tags:a"))
    emit("srem", r.srem("cl:tags:a", "red", "nope"))
    emit("spop.member", r.spop("cl:tags:b") in {"green", "yellow"})
    emit("sscan_iter", sorted(r.sscan_iter("cl:tags:a")))


def leaderboard(r):
    emit("zadd", r.zadd("cl:board", {"alice": 10, "bob": 20, "carol": 15}))
    emit("zincrby", r.zincrby("cl:board", 7.5, "alice"))
    emit("zrevrange", r.zrevrange("cl:board", 0, -1, withscores=True))
    emit("zrevrank", r.zrevrank("cl:board", "carol"))
    emit("zscore", r.zscore("cl:board", "bob"))
    emit("zrangebyscore", r.zrangebyscore("cl:board", 12, "+inf", withscores=True))
    emit("zadd.gt", r.zadd("cl:board", {"bob": 5}, gt=True, ch=True))
    emit("zcount", r.zcount("cl:board", "-inf", 16))
    emit("zpopmax", r.zpopmax("cl:board"))
    emit("zrange.rev", r.zrange("cl:board", 0, 0, desc=True, withscores=True))
    emit("zscan_iter", list(r.zscan_iter("cl:board")))


def pipelines_and_transactions(r, other):
    pipe = r.pipeline(transaction=False)
    pipe.set("cl:p1", "1").incr("cl:p1").get("cl:p1").lpush("cl:p1", "x").get("cl:missing")
    emit("pipeline", pipe.execute(raise_on_error=False))
    tx = r.pipeline(transaction=True)
    tx.incr("cl:tx").incr("cl:tx").expire("cl:tx", 100).ttl("cl:tx")
    emit("multi.exec", tx.execute())
    tx = r.pipeline(transaction=True)
    tx.set("cl:tx2", "v").lpush("cl:tx2", "x").get("cl:tx2")
    emit("multi.exec.runtime.error", tx.execute(raise_on_error=False))
    with r.pipeline() as watched:
        watched.watch("cl:balance")
        balance = int(watched.get("cl:balance") or 0)
        other.set("cl:balance", 100)
        watched.multi()
        watched.set("cl:balance", balance + 10)
        try:
            watched.execute()
            emit("watch.conflict", "executed")
        except redis.WatchError as e:
            emit("watch.conflict", e)
    emit("watch.balance", r.get("cl:balance"))

    def add_ten(pipe):
        current = int(pipe.get("cl:balance"))
        pipe.multi()
        pipe.set("cl:balance", current + 10)

    emit("transaction.helper", r.transaction(add_ten, "cl:balance"))
    emit("transaction.balance", r.get("cl:balance"))


def pubsub(r):
    subscriber = r.pubsub()
    subscriber.subscribe("cl:news")
    subscriber.psubscribe("cl:events.*")
    confirmations = []
    poll(lambda: _collect(subscriber, confirmations) and len(confirmations) >= 2, "subscriptions")
    emit("subscribed", confirmations)
    emit("numsub", r.pubsub_numsub("cl:news"))
    emit("numpat", r.pubsub_numpat())
    emit("publish.news", r.publish("cl:news", "hello"))
    emit("publish.event", r.publish("cl:events.login", "ada"))
    emit("publish.nobody", r.publish("cl:nobody", "x"))
    messages = []
    poll(lambda: _collect(subscriber, messages) and len(messages) >= 2, "published messages")
    emit("messages", messages)
    subscriber.unsubscribe("cl:news")
    subscriber.punsubscribe("cl:events.*")
    confirmations = []
    poll(lambda: _collect(subscriber, confirmations) and len(confirmations) >= 2, "unsubscriptions")
    emit("unsubscribed", confirmations)
    subscriber.close()


def _collect(subscriber, into):
    message = subscriber.get_message(timeout=0.01)
    if message is not None:
        into.append(message)
    return True


def lua(r):
    emit("eval", r.eval("return {KEYS[1], ARGV[1], 42, 3.9, true, false}", 1, "cl:k", "arg"))
    emit("eval.call", r.eval("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])",
                             1, "cl:lua", "v"))
    sha = r.script_load("return tonumber(ARGV[1]) * 2")
    emit("script.load", sha)
    emit("evalsha", r.evalsha(sha, 0, 21))
    emit("script.exists", r.script_exists(sha, "0" * 40))
    try:
        r.evalsha("0" * 40, 0)
    except redis.ResponseError as e:
        emit("evalsha.missing", e)
    try:
        r.eval("return redis.call('LPUSH', KEYS[1], 'x')", 1, "cl:lua")
    except redis.ResponseError as e:
        emit("eval.wrongtype", e)
    try:
        r.eval("return error(", 0)
    except redis.ResponseError as e:
        emit("eval.compile.error.prefix", str(e).split(":")[0])
    incr_by = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    emit("register_script", incr_by(keys=["cl:script:n"], args=[5]))
    r.script_flush()
    emit("register_script.after.flush", incr_by(keys=["cl:script:n"], args=[5]))
    emit("eval.ro", r.eval_ro("return redis.call('GET', KEYS[1])", 1, "cl:lua"))


def lock(r):
    first = r.lock("cl:lock", timeout=5, blocking_timeout=0.2)
    emit("lock.acquire", first.acquire())
    emit("lock.owned", first.owned())
    emit("lock.locked", first.locked())
    second = r.lock("cl:lock", timeout=5, blocking_timeout=0.2)
    started = time.monotonic()
    emit("lock.contended", second.acquire())
    emit("lock.waited.blocking_timeout", time.monotonic() - started >= 0.09)
    emit("lock.extend", first.extend(5))
    emit("lock.ttl.extended", 5000 < r.pttl("cl:lock") <= 10000)
    first.release()
    emit("lock.released", r.exists("cl:lock"))
    emit("lock.reacquire", second.acquire())
    try:
        first.release()
    except redis.exceptions.LockError as e:
        emit("lock.release.foreign", type(e).__name__)
    second.release()
    with r.lock("cl:lock2", timeout=2) as held:
        emit("lock.context", held.owned())
    emit("lock.context.released", r.exists("cl:lock2"))


def scan(r):
    pipe = r.pipeline(transaction=False)
    for i in range(120):
        pipe.set("cl:scan:%03d" % i, i)
    pipe.sadd("cl:scan:set", *range(300))
    pipe.execute()
    emit("scan_iter", sorted(r.scan_iter(match="cl:scan:0*", count=7)))
    emit("scan_iter.type", sorted(r.scan_iter(match="cl:scan:*", _type="set")))
    emit("scan_iter.count", sum(1 for _ in r.scan_iter(match="cl:scan:*", count=1000)))
    emit("sscan_iter.big", sorted(int(m) for m in r.sscan_iter("cl:scan:set", match="2*", count=20)))


def streams(r):
    emit("xadd", r.xadd("cl:stream", {"sensor": "t1", "value": "20"}, id="1-1"))
    emit("xadd.2", r.xadd("cl:stream", {"sensor": "t2", "value": "21"}, id="1-2"))
    auto_id = r.xadd("cl:stream", {"sensor": "t3", "value": "22"})
    emit("xadd.auto.shape", [part.isdigit() for part in auto_id.split("-")])
    emit("xlen", r.xlen("cl:stream"))
    emit("xrange", r.xrange("cl:stream", "-", "1-2"))
    emit("xgroup.create", r.xgroup_create("cl:stream", "workers", id="0"))
    try:
        r.xgroup_create("cl:stream", "workers", id="0")
    except redis.ResponseError as e:
        emit("xgroup.create.again", e)
    read = r.xreadgroup("workers", "w1", {"cl:stream": ">"}, count=2)
    emit("xreadgroup", read)
    emit("xack", r.xack("cl:stream", "workers", "1-1"))
    pending = r.xpending("cl:stream", "workers")
    emit("xpending.summary", [pending["pending"], pending["min"], pending["max"], pending["consumers"]])
    emit("xpending.range", [(p["message_id"], p["consumer"], p["times_delivered"])
                            for p in r.xpending_range("cl:stream", "workers", "-", "+", 10)])
    emit("xreadgroup.history", r.xreadgroup("workers", "w1", {"cl:stream": "0"}))
    emit("xclaim", r.xclaim("cl:stream", "workers", "w2", 0, ["1-2"], justid=True))
    emit("xinfo.groups", [(g["name"], g["consumers"], g["pending"]) for g in r.xinfo_groups("cl:stream")])
    emit("xtrim", r.xtrim("cl:stream", maxlen=1))
    emit("xdel", r.xdel("cl:stream", "1-1"))
    emit("xread.block.timeout", r.xread({"cl:stream": "$"}, block=50))


def hyperloglog(r):
    emit("pfadd", r.pfadd("cl:hll:a", *["user%d" % i for i in range(1000)]))
    emit("pfadd.b", r.pfadd("cl:hll:b", *["user%d" % i for i in range(500, 1500)]))
    emit("pfadd.nochange", r.pfadd("cl:hll:a", "user1"))
    emit("pfcount", r.pfcount("cl:hll:a"))
    emit("pfcount.union", r.pfcount("cl:hll:a", "cl:hll:b"))
    emit("pfmerge", r.pfmerge("cl:hll:c", "cl:hll:a", "cl:hll:b"))
    emit("pfcount.merged", r.pfcount("cl:hll:c"))


def geo(r):
    emit("geoadd", r.geoadd("cl:geo", [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"]))
    emit("geodist", r.geodist("cl:geo", "Palermo", "Catania", unit="km"))
    emit("geopos", r.geopos("cl:geo", "Palermo", "nowhere"))
    emit("geohash", r.geohash("cl:geo", "Palermo", "Catania"))
    emit("georadius", r.georadius("cl:geo", 15, 37, 200, unit="km", withdist=True, withcoord=True, sort="ASC"))
    emit("geosearch", r.geosearch("cl:geo", longitude=15, latitude=37, radius=100, unit="km", withdist=True))
    emit("geosearchstore", r.geosearchstore("cl:geo:near", "cl:geo", member="Palermo", radius=300, unit="km"))


def errors(r):
    r.set("cl:plain", "x")
    for step, call in [
        ("wrongtype", lambda: r.lpush("cl:plain", "y")),
        ("unknown.command", lambda: r.execute_command("NOSUCHCOMMAND", "a", "b")),
        ("wrong.arity", lambda: r.execute_command("GET")),
        ("syntax", lambda: r.execute_command("SET", "cl:k", "v", "NX", "XX")),
        ("not.integer", lambda: r.expire("cl:plain", "soon")),
    ]:
        try:
            call()
            emit("error." + step, "no error")
        except redis.RedisError as e:
            emit("error." + step, e)


def info(r):
    parsed = r.info()
    emit("info.types", {field: type(parsed[field]).__name__
                        for field in ("redis_version", "connected_clients", "used_memory",
                                      "uptime_in_seconds", "role", "db0", "maxmemory_policy")})
    emit("info.db0", sorted(parsed["db0"]))
    emit("info.server.fields.present", all(field in r.info("server") for field in
                                           ("redis_version", "redis_mode", "os", "arch_bits",
                                            "process_id", "tcp_port", "uptime_in_seconds")))
    emit("info.memory.int", isinstance(r.info("memory")["used_memory_peak"], int))
    connection = r.connection_pool.get_connection("INFO")
    try:
        connection.send_command("INFO", "everything")
        raw = connection.read_response()
    finally:
        r.connection_pool.release(connection)
    emit("info.sections", [line[2:] for line in raw.splitlines() if line.startswith("# ")])
    emit("info.keyspace", r.info("keyspace"))
    emit("dbsize", r.dbsize())


def info_counters(r):
    """INFO's counters an application or its monitoring reads, after a known sequence of commands."""
    emit("config.resetstat", r.config_resetstat())
    r.set("cl:stat", "x")
    r.get("cl:stat")
    r.get("cl:stat:missing")
    r.hset("cl:stat:hash", "f", "v")
    r.hget("cl:stat:hash", "nofield")
    transaction = r.pipeline()
    transaction.lpush("cl:stat", 1).incr("cl:stat").get("cl:stat")
    emit("exec.with.errors", transaction.execute(raise_on_error=False))
    for failing in (lambda: r.eval("return redis.call('INCR', KEYS[1])", 1, "cl:stat:hash"),
                    lambda: r.eval("return redis.pcall('NOSUCH')", 0),
                    lambda: r.execute_command("CLIENT", "NOSUCH"),
                    lambda: r.execute_command("NOSUCH"),
                    lambda: r.execute_command("GET")):
        emit("error", _error_of(failing))
    stats = r.info("stats")
    emit("stats", {field: stats[field] for field in ("keyspace_hits", "keyspace_misses", "total_error_replies")})
    everything = r.info("everything")
    emit("errorstats", {field: value for field, value in everything.items() if field.startswith("errorstat_")})
    emit("commandstats", {field: {counter: value[counter] for counter in ("calls", "rejected_calls", "failed_calls")}
                          for field, value in everything.items()
                          if field.startswith("cmdstat_") and field != "cmdstat_config|resetstat"})


def client_name(r):
    emit("client.getname.unset", r.client_getname())
    emit("client.setname", r.client_setname("cl-python"))
    emit("client.getname", r.client_getname())
    emit("client.list.name", [c["name"] for c in r.client_list() if c["name"] == "cl-python"])
    emit("client.id.int", isinstance(r.client_id(), int))
    try:
        r.client_setname("has space")
    except redis.ResponseError as e:
        emit("client.setname.space", e)


def keyspace_notifications(r, other):
    emit("config.set", other.config_set("notify-keyspace-events", "KEA"))
    listener = r.pubsub()
    listener.psubscribe("__key*@0__:*")
    poll(lambda: listener.get_message(timeout=0.01) is not None, "the psubscribe confirmation")
    other.set("cl:ks", "v", px=100000)
    other.persist("cl:ks")
    other.rename("cl:ks", "cl:ks2")
    other.lpush("cl:ksl", 1, 2)
    other.lmove("cl:ksl", "cl:ksl2", "LEFT", "RIGHT")
    other.rpop("cl:ksl")
    other.hset("cl:ksh", mapping={"f": "v", "n": 1})
    other.hincrbyfloat("cl:ksh", "n", 1.5)
    other.zadd("cl:ksz", {"a": 1})
    other.zincrby("cl:ksz", 1, "a")
    other.sadd("cl:kss", "m")
    other.smove("cl:kss", "cl:kss2", "m")
    other.xadd("cl:ksx", {"f": "v"}, id="1-1")
    other.incrbyfloat("cl:ksf", 2.5)
    other.copy("cl:ks2", "cl:ks3")
    other.sort("cl:ksl2", store="cl:kssorted")
    other.set("cl:kse", "gone", px=1)
    poll(lambda: other.exists("cl:kse") == 0, "cl:kse to expire")
    other.unlink("cl:ks3")
    events = []
    last_event = ("__keyevent@0__:del", "cl:ks3")
    poll(lambda: _collect(listener, events) and any((e["channel"], e["data"]) == last_event for e in events),
         "the event of the last command")
    emit("events", [(e["channel"], e["data"]) for e in events if e is not None])
    emit("config.reset", other.config_set("notify-keyspace-events", ""))
    listener.close()


def tracking_and_monitor(r, other):
    invalidations = other.pubsub()
    invalidations.subscribe("__redis__:invalidate")
    poll(lambda: invalidations.get_message(timeout=0.01) is not None, "the subscribe confirmation")
    redirect_to = int(other.execute_command("CLIENT", "LIST", "TYPE", "pubsub").split()[0][3:])
    tracked = connect(single_connection_client=True)
    emit("tracking.on", tracked.client_tracking_on(clientid=redirect_to))
    emit("tracking.get", tracked.mget("cl:t1", "cl:t2"))
    info = tracked.client_trackinginfo()
    emit("trackinginfo", [info[0], info[1], info[2] == redirect_to, info[4], info[5]])
    emit("getredir.matches", tracked.client_getredir() == redirect_to)
    r.set("cl:t1", "changed")
    r.delete("cl:t2")
    r.mset({"cl:t2": "x", "cl:t1": "y"})
    messages = []
    poll(lambda: _collect(invalidations, messages) and len(messages) >= 1, "an invalidation")
    emit("invalidation", [(m["channel"], m["data"]) for m in messages])
    emit("tracking.off", tracked.client_tracking_off())
    broadcast = connect(single_connection_client=True)
    emit("tracking.bcast", broadcast.client_tracking_on(clientid=redirect_to, bcast=True, prefix=["cl:b:", "cl:c:"]))
    r.set("cl:b:1", 1)
    r.set("cl:other", 1)
    r.set("cl:c:2", 1)
    messages = []
    poll(lambda: _collect(invalidations, messages) and len(messages) >= 2, "broadcast invalidations")
    emit("invalidation.bcast", [(m["channel"], m["data"]) for m in messages])
    try:
        broadcast.client_tracking_on(clientid=redirect_to, bcast=True, prefix=["cl:b:x"])
    except redis.ResponseError as e:
        emit("tracking.prefix.overlap", e)
    tracked.close()
    broadcast.close()
    invalidations.close()
    with other.monitor() as monitor:
        r.set("cl:monitored", 'a "quoted"\nvalue')
        r.eval("return redis.call('GET', KEYS[1])", 1, "cl:monitored")
        commands = [monitor.next_command() for _ in range(3)]
        emit("monitor", [(c["command"], c["db"], c["client_type"]) for c in commands])


def functions(r, other):
    library = "#!lua name=cllib\nredis.register_function('cl_echo', function(keys, args) return args[1] end)\n" \
              "redis.register_function{function_name='cl_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}"
    emit("function.load", r.function_load(library))
    try:
        r.function_load(library)
    except redis.ResponseError as e:
        emit("function.load.again", e)
    emit("function.load.replace", r.function_load(library, replace=True))
    emit("fcall", r.fcall("cl_echo", 0, "hi"))
    emit("fcall_ro", r.fcall_ro("cl_get", 1, "cl:monitored"))
    libraries = r.function_list(library="cl*", withcode=False)
    # a library keeps its functions in a dict whose order Redis does not define
    emit("function.list", [dict(zip(lib[::2], lib[1::2])) | {"functions": sorted(
        [dict(zip(f[::2], f[1::2])) for f in lib[lib.index("functions") + 1]], key=lambda f: f["name"])}
        for lib in libraries])
    try:
        r.fcall_ro("cl_echo", 0, "x")
    except redis.ResponseError as e:
        emit("fcall_ro.writes", e)
    emit("function.delete", r.function_delete("cllib"))


def pubsub_health_check(r, other):
    checked = connect(health_check_interval=1).pubsub()
    checked.subscribe("cl:health")
    poll(lambda: checked.get_message(timeout=0.01) is not None, "the subscribe confirmation")
    checked.ping("hello")
    replies = []
    poll(lambda: _collect(checked, replies) and len(replies) >= 1, "the PING reply")
    emit("ping.subscribed", replies)
    checked.check_health()
    emit("health.check.ok", True)
    checked.close()


def server_errors(r, other):
    """The errors an application sees from a busy script, CLIENT UNBLOCK, maxmemory and EXECABORT."""
    emit("busy-reply-threshold", other.config_set("busy-reply-threshold", 100))
    outcome = {}

    def run_script(name, script):
        try:
            outcome[name] = connect().eval(script, 0)
        except redis.RedisError as e:
            outcome[name] = e

    def busy_reply():
        try:
            other.ping()
            return None
        except redis.ResponseError as e:
            return e

    looping = threading.Thread(target=run_script, args=("loop", "while true do end"))
    looping.start()
    poll(lambda: busy_reply() is not None, "the script to turn busy")
    emit("busy", busy_reply())
    emit("busy.function.kill", _error_of(lambda: other.function_kill()))
    emit("script.kill", other.script_kill())
    looping.join(DEADLINE_SECONDS)
    emit("killed.script", outcome.get("loop"))
    emit("script.kill.none", _error_of(lambda: other.script_kill()))
    writing = threading.Thread(target=run_script, args=("writer", """
        redis.call('SET', 'cl:written', 1)
        local started = redis.call('TIME')
        repeat local now = redis.call('TIME')
        until (now[1] - started[1]) * 1000000 + (now[2] - started[2]) > 400000
        return 'finished'"""))
    writing.start()
    poll(lambda: busy_reply() is not None, "the writing script to turn busy")
    emit("script.kill.unkillable", _error_of(lambda: other.script_kill()))
    writing.join(DEADLINE_SECONDS)
    emit("unkillable.script", outcome.get("writer"))
    emit("busy-reply-threshold.reset", other.config_set("busy-reply-threshold", 5000))

    blocked = connect(single_connection_client=True)
    blocked_id = blocked.client_id()
    for unblock_error in (True, False):
        popping = threading.Thread(target=lambda: outcome.update(pop=_error_of(lambda: blocked.blpop("cl:none", 5))))
        popping.start()
        poll(lambda: int(other.info("clients")["blocked_clients"]) == 1, "the BLPOP to block")
        emit("client.unblock", other.client_unblock(blocked_id, error=unblock_error))
        popping.join(DEADLINE_SECONDS)
        emit("unblocked.blpop", outcome.get("pop"))
    blocked.close()

    emit("maxmemory", other.config_set("maxmemory", 1))
    emit("oom.set", _error_of(lambda: r.set("cl:oom", 1)))
    emit("oom.get", r.get("cl:written"))
    emit("oom.eval", _error_of(lambda: r.eval("return redis.call('SET', 'cl:oom', 1)", 0)))
    emit("oom.eval.shebang", _error_of(lambda: r.eval("#!lua\nreturn redis.call('SET', 'cl:oom', 1)", 0)))
    emit("oom.pipeline", r.pipeline(transaction=False).set("cl:oom", 1).get("cl:written").execute(raise_on_error=False))
    emit("maxmemory.reset", other.config_set("maxmemory", 0))
    emit("execabort.unknown", _error_of(lambda: r.pipeline().set("cl:aborted", 1).execute_command("NOSUCH").execute()))
    emit("execabort.arity", _error_of(lambda: r.pipeline().set("cl:aborted", 1).execute_command("GET").execute()))
    emit("execabort.nothing.set", r.exists("cl:aborted"))
    subscribed = connect(single_connection_client=True)
    subscribed.execute_command("SUBSCRIBE", "cl:somewhere")
    emit("subscribed.get", _error_of(lambda: subscribed.get("cl:written")))
    subscribed.close()


def _error_of(call):
    try:
        return ["no error", call()]
    except redis.RedisError as e:
        return e


def reconnect(r, other):
    my_id = r.client_id()
    emit("client.kill", other.client_kill_filter(_id=my_id))
    try:
        emit("after.kill", r.ping())
    except redis.ConnectionError as e:
        emit("after.kill", type(e).__name__)
    emit("reconnected.ping", r.ping())
    emit("reconnected.new.id", r.client_id() != my_id)


def main():
    r = connect()
    other = connect()
    r.flushall()
    for scenario in (hello, strings_with_ttl, counters, mset_mget, hashes, sets, leaderboard,
                     pubsub, lua, lock, scan, streams, hyperloglog, geo, errors, info, info_counters, client_name):
        emit("scenario", scenario.__name__)
        scenario(r)
    for scenario in (lists, pipelines_and_transactions, keyspace_notifications, tracking_and_monitor, functions,
                     pubsub_health_check, server_errors, reconnect):
        emit("scenario", scenario.__name__)
        scenario(r, other)
    emit("done", True)


if __name__ == "__main__":
    main()
