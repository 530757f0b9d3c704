'use strict';
// Shared by the scenario scripts: one JSON line per observed result, so that ClientLibrariesTest
// can compare the transcript taken against redis-server with the one taken against Cinnabar.

const DEADLINE_MS = 5000;

function jsonable(value) {
  if (value instanceof Error) return [value.name, value.message];
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [jsonable(k), jsonable(v)]);
  if (value instanceof Set) return [...value].map(jsonable).sort();
  if (Array.isArray(value)) return value.map(jsonable);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return '<undefined>';
  if (value !== null && typeof value === 'object') {
    const sorted = {};
    for (const key of Object.keys(value).sort()) sorted[key] = jsonable(value[key]);
    return sorted;
  }
  return value;
}

function emit(step, value) {
  process.stdout.write(JSON.stringify([step, jsonable(value)]) + '\n');
}

// Runs a call that is expected to fail and emits what the application sees.
async function emitError(step, call) {
  try {
    emit(step, ['no error', await call()]);
  } catch (error) {
    emit(step, error);
  }
}

async function poll(condition, what) {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function blockedClients(infoText) {
  return Number(/blocked_clients:(\d+)/.exec(infoText)[1]);
}

function infoSections(infoText) {
  return infoText.split('\r\n').filter((line) => line.startsWith('# ')).map((line) => line.slice(2));
}

function argv() {
  const [host, port] = process.argv.slice(2);
  if (!host || !port) {
    process.stderr.write(`usage: node ${process.argv[1]} HOST PORT\n`);
    process.exit(2);
  }
  return { host, port: Number(port) };
}

module.exports = { emit, emitError, poll, blockedClients, infoSections, argv };
