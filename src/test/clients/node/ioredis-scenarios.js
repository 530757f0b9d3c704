'use strict';
// ioredis scenarios for ClientLibrariesTest: node ioredis-scenarios.js HOST PORT
// ioredis speaks RESP2 only; at connect it sends CLIENT SETNAME (connectionName) and INFO (ready check).
const Redis = require('ioredis');
const { emit, emitError, poll, blockedClients, infoSections, argv } = require('./transcript');

const { host, port } = argv();
const options = { host, port, connectionName: 'cl-ioredis', maxRetriesPerRequest: 3, lazyConnect: true };

async function stringsWithTtl(redis) {
  emit('set.ex', await redis.set('cl:greeting', 'hello', 'EX', 100));
  const ttl = await redis.ttl('cl:greeting');
  emit('ttl.in.range', ttl > 0 && ttl <= 100);
  emit('set.nx.existing', await redis.set('cl:greeting', 'again', 'NX'));
  emit('set.get', await redis.set('cl:greeting', 'bye', 'KEEPTTL', 'GET'));
  emit('ttl.kept', (await redis.ttl('cl:greeting')) > 0);
  emit('persist', await redis.persist('cl:greeting'));
  emit('ttl.none', await redis.ttl('cl:greeting'));
  emit('psetex', await redis.psetex('cl:short', 30, 'v'));
  await poll(async () => (await redis.exists('cl:short')) === 0, 'cl:short to expire');
  emit('expired', await redis.get('cl:short'));
  emit('getBuffer', await redis.getBuffer('cl:greeting'));
  emit('setrange', await redis.setrange('cl:greeting', 1, 'YE'));
  emit('get', await redis.get('cl:greeting'));
}

async function counters(redis) {
  emit('incr', await redis.incr('cl:counter'));
  emit('incrby', await redis.incrby('cl:counter', 41));
  emit('decrby', await redis.decrby('cl:counter', 2));
  emit('incrbyfloat', await redis.incrbyfloat('cl:float', '1.1'));
  emit('incr.big', await redis.incrby('cl:big', '9223372036854775806'));
  await emitError('incr.overflow', () => redis.incrby('cl:big', 2));
}

async function msetMget(redis) {
  emit('mset', await redis.mset({ 'cl:m1': 'a', 'cl:m2': 'b' }));
  emit('mset.flat', await redis.mset('cl:m3', 'c', 'cl:m4', 'd'));
  emit('mget', await redis.mget('cl:m1', 'cl:nope', 'cl:m4'));
  emit('msetnx', await redis.msetnx('cl:m1', 'x', 'cl:m5', 'e'));
}

async function hashes(redis) {
  emit('hset', await redis.hset('cl:user:1', { name: 'Ada', visits: 1 }));
  emit('hgetall', await redis.hgetall('cl:user:1'));
  emit('hgetall.missing', await redis.hgetall('cl:user:none'));
  emit('hincrby', await redis.hincrby('cl:user:1', 'visits', 4));
  emit('hmget', await redis.hmget('cl:user:1', 'name', 'nope'));
  emit('hrandfield.withvalues', (await redis.hrandfield('cl:user:1', -4, 'WITHVALUES')).length);
  emit('hdel', await redis.hdel('cl:user:1', 'name'));
  emit('hstrlen', await redis.hstrlen('cl:user:1', 'visits'));
}

async function lists(redis, other) {
  emit('rpush', await redis.rpush('cl:queue', 'a', 'b', 'c'));
  emit('lrange', await redis.lrange('cl:queue', 0, -1));
  emit('lmpop', await redis.lmpop(2, 'cl:none', 'cl:queue', 'RIGHT', 'COUNT', 2));
  emit('blpop.timeout', await redis.blpop('cl:empty', 0.1));
  const popped = redis.brpop('cl:jobs', 5);
  await poll(async () => blockedClients(await other.info('clients')) === 1, 'the BRPOP to block');
  emit('lpush.wakes', await other.lpush('cl:jobs', 'job-1', 'job-2'));
  emit('brpop.woken', await popped);
  const moved = redis.blmove('cl:src', 'cl:dst', 'LEFT', 'RIGHT', 5);
  await poll(async () => blockedClients(await other.info('clients')) === 1, 'the BLMOVE to block');
  emit('rpush.wakes.blmove', await other.rpush('cl:src', 'x'));
  emit('blmove.woken', await moved);
  emit('dst', await other.lrange('cl:dst', 0, -1));
}

async function sets(redis) {
  emit('sadd', await redis.sadd('cl:tags', 'red', 'green', 'blue', 'red'));
  emit('smembers', (await redis.smembers('cl:tags')).sort());
  emit('sadd.ints', await redis.sadd('cl:ints', 3, 1, 2));
  emit('smembers.intset', await redis.smembers('cl:ints'));
  emit('smismember', await redis.smismember('cl:tags', 'red', 'pink'));
  emit('sintercard', await redis.sintercard(2, 'cl:tags', 'cl:ints'));
  emit('smove', await redis.smove('cl:tags', 'cl:ints', 'red'));
  emit('scard', await redis.scard('cl:ints'));
}

async function leaderboard(redis) {
  emit('zadd', await redis.zadd('cl:board', 10, 'alice', 20, 'bob', 15, 'carol', 15, 'dave'));
  emit('zincrby', await redis.zincrby('cl:board', 7.5, 'alice'));
  emit('zincrby.neg', await redis.zincrby('cl:board', -0.1, 'carol'));
  emit('zrevrange', await redis.zrevrange('cl:board', 0, -1, 'WITHSCORES'));
  emit('zrevrank', await redis.zrevrank('cl:board', 'carol'));
  emit('zscore', await redis.zscore('cl:board', 'carol'));
  emit('zmscore', await redis.zmscore('cl:board', 'bob', 'nobody'));
  emit('zrange.byscore.limit', await redis.zrange('cl:board', '(14', '+inf', 'BYSCORE', 'LIMIT', 1, 2, 'WITHSCORES'));
  emit('zrangebylex', await redis.zrangebylex('cl:board', '[b', '(d'));
  emit('zadd.incr', await redis.zadd('cl:board', 'INCR', 1e-3, 'bob'));
  emit('zunionstore', await redis.zunionstore('cl:sum', 2, 'cl:board', 'cl:board', 'WEIGHTS', 1, 2));
  emit('zrange.sum', await redis.zrange('cl:sum', 0, -1, 'WITHSCORES'));
}

async function pipelinesAndTransactions(redis, other) {
  emit('pipeline', await redis.pipeline().set('cl:p', '1').incr('cl:p').lpush('cl:p', 'x').get('cl:p').exec());
  emit('multi', await redis.multi().incr('cl:tx').incr('cl:tx').get('cl:tx').exec());
  emit('multi.runtime.error', await redis.multi().set('cl:tx2', 'v').lpush('cl:tx2', 'x').exec());
  await emitError('multi.queue.error', () => redis.multi().set('cl:tx3', 'v').call('NOSUCHCOMMAND').exec());
  emit('multi.queue.error.discarded', await redis.exists('cl:tx3'));
  emit('watch', await redis.watch('cl:balance'));
  const balance = Number(await redis.get('cl:balance'));
  emit('other.set', await other.set('cl:balance', 100));
  emit('watch.conflict', await redis.multi().set('cl:balance', balance + 10).exec());
  emit('watch.balance', await redis.get('cl:balance'));
  await redis.watch('cl:balance');
  emit('unwatched.exec', await redis.multi().incrby('cl:balance', 10).exec());
}

async function pubsub(redis) {
  const subscriber = new Redis(options);
  await subscriber.connect();
  const messages = [];
  subscriber.on('message', (channel, message) => messages.push(['message', channel, message]));
  subscriber.on('pmessage', (pattern, channel, message) => messages.push(['pmessage', pattern, channel, message]));
  emit('subscribe', await subscriber.subscribe('cl:news', 'cl:alerts'));
  emit('psubscribe', await subscriber.psubscribe('cl:events.*'));
  await emitError('subscriber.get', () => subscriber.get('cl:k'));
  emit('pubsub.channels', (await redis.pubsub('CHANNELS', 'cl:*')).sort());
  emit('publish.news', await redis.publish('cl:news', 'hello'));
  emit('publish.event', await redis.publish('cl:events.login', 'ada'));
  await poll(() => messages.length >= 2, 'published messages');
  emit('messages', messages);
  emit('unsubscribe', await subscriber.unsubscribe('cl:news', 'cl:alerts'));
  emit('punsubscribe', await subscriber.punsubscribe('cl:events.*'));
  emit('subscriber.get.after', await subscriber.get('cl:k'));
  subscriber.disconnect();
}

async function lua(redis) {
  emit('eval', await redis.eval('return {KEYS[1], ARGV[1], 3.7, {1, "two"}, redis.status_reply("OK")}', 1, 'cl:k', 'a'));
  emit('eval.error.reply', await redis.eval('return redis.pcall("INCR", KEYS[1])', 1, 'cl:tags').catch((e) => e));
  const sha = await redis.script('LOAD', 'return redis.call("GET", KEYS[1])');
  emit('script.load', sha);
  emit('evalsha', await redis.evalsha(sha, 1, 'cl:m1'));
  await emitError('evalsha.missing', () => redis.evalsha('ffffffffffffffffffffffffffffffffffffffff', 0));
  redis.defineCommand('addScore', {
    numberOfKeys: 1,
    lua: 'return redis.call("ZINCRBY", KEYS[1], ARGV[1], ARGV[2])',
  });
  emit('defineCommand', await redis.addScore('cl:board', 5, 'carol'));
  emit('script.flush', await redis.script('FLUSH'));
  emit('defineCommand.after.flush', await redis.addScore('cl:board', 5, 'carol'));
  emit('defineCommand.pipeline', await redis.pipeline().addScore('cl:board', 1, 'dave').addScore('cl:board', 1, 'erin').exec());
  await emitError('eval.runtime.error', () => redis.eval('return redis.call("NOSUCH")', 0));
}

async function scanStream(redis) {
  const pipeline = redis.pipeline();
  for (let i = 0; i < 150; i++) pipeline.set(`cl:scan:${i}`, i);
  pipeline.hset('cl:scan:hash', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, i])));
  await pipeline.exec();
  const keys = [];
  await new Promise((resolve, reject) => {
    const stream = redis.scanStream({ match: 'cl:scan:1*', count: 10 });
    stream.on('data', (batch) => keys.push(...batch));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  emit('scanStream', [...new Set(keys)].sort());
  const fields = [];
  await new Promise((resolve, reject) => {
    const stream = redis.hscanStream('cl:scan:hash', { match: 'f1*', count: 25 });
    stream.on('data', (batch) => fields.push(...batch));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  emit('hscanStream.pairs', fields.length / 2);
  emit('scan.type', (await redis.scan(0, 'MATCH', 'cl:scan:*', 'TYPE', 'hash', 'COUNT', 1000))[1]);
}

async function streams(redis) {
  emit('xadd', await redis.xadd('cl:stream', '5-1', 'temp', '20'));
  emit('xadd.maxlen', await redis.xadd('cl:stream', 'MAXLEN', '~', 100, '5-2', 'temp', '21'));
  emit('xadd.too.small', await redis.xadd('cl:stream', '1-1', 'temp', '0').catch((e) => e));
  emit('xgroup.create', await redis.xgroup('CREATE', 'cl:stream', 'g', '0', 'MKSTREAM'));
  emit('xreadgroup', await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', 'cl:stream', '>'));
  emit('xack', await redis.xack('cl:stream', 'g', '5-1', '9-9'));
  emit('xpending', await redis.xpending('cl:stream', 'g'));
  const read = redis.xreadgroup('GROUP', 'g', 'c2', 'BLOCK', 5000, 'STREAMS', 'cl:stream2', '>').catch((e) => e);
  emit('xreadgroup.nogroup', await read);
  emit('xautoclaim', await redis.xautoclaim('cl:stream', 'g', 'c3', 0, '0-0', 'COUNT', 10));
  emit('xinfo.stream.length', (await redis.xinfo('STREAM', 'cl:stream'))[1]);
  emit('xrevrange', await redis.xrevrange('cl:stream', '+', '-', 'COUNT', 1));
}

async function hyperloglog(redis) {
  emit('pfadd', await redis.pfadd('cl:hll', ...Array.from({ length: 300 }, (_, i) => `v${i}`)));
  emit('pfcount', await redis.pfcount('cl:hll'));
  emit('pfadd.other', await redis.pfadd('cl:hll2', 'a', 'b', 'v1'));
  emit('pfmerge', await redis.pfmerge('cl:hll3', 'cl:hll', 'cl:hll2'));
  emit('pfcount.merged', await redis.pfcount('cl:hll3'));
}

async function geo(redis) {
  emit('geoadd', await redis.geoadd('cl:geo', 2.3522, 48.8566, 'Paris', -0.1276, 51.5072, 'London', 13.405, 52.52, 'Berlin'));
  emit('geodist', await redis.geodist('cl:geo', 'Paris', 'London', 'km'));
  emit('geopos', await redis.geopos('cl:geo', 'Berlin', 'Atlantis'));
  emit('geosearch', await redis.geosearch('cl:geo', 'FROMMEMBER', 'Paris', 'BYRADIUS', 1000, 'km', 'ASC', 'WITHDIST', 'WITHHASH'));
  emit('geosearch.box', await redis.geosearch('cl:geo', 'FROMLONLAT', 5, 50, 'BYBOX', 1500, 800, 'km', 'DESC', 'COUNT', 2));
  emit('georadiusbymember', await redis.georadiusbymember('cl:geo', 'London', 500, 'km', 'WITHCOORD'));
  await emitError('geoadd.invalid', () => redis.geoadd('cl:geo', 200, 100, 'Nowhere'));
}

async function errors(redis) {
  await redis.set('cl:plain', 'x');
  await emitError('wrongtype', () => redis.lpush('cl:plain', 'y'));
  await emitError('unknown.command', () => redis.call('NOSUCHCOMMAND', 'arg'));
  await emitError('wrong.arity', () => redis.call('GET'));
  await emitError('not.float', () => redis.incrbyfloat('cl:plain', 'abc'));
  await emitError('bad.expire.option', () => redis.call('EXPIRE', 'cl:plain', 10, 'SOMETIMES'));
  await emitError('zadd.nx.xx', () => redis.call('ZADD', 'cl:z', 'NX', 'XX', 1, 'a'));
}

async function info(redis) {
  const text = await redis.info();
  emit('info.sections', infoSections(text));
  emit('info.everything.sections', infoSections(await redis.info('everything')));
  emit('info.server.version.shape', /redis_version:\d+\.\d+\.\d+\r\n/.test(text));
  emit('info.keyspace', (await redis.info('keyspace')).split('\r\n')[0]);
}

async function clientName(redis) {
  emit('client.getname', await redis.client('GETNAME'));
  emit('client.setname', await redis.client('SETNAME', 'cl-ioredis-renamed'));
  emit('client.getname.renamed', await redis.client('GETNAME'));
  emit('client.setname', await redis.client('SETNAME', 'cl-ioredis'));
}

// Large pipelines, replies and values cross the socket in many reads and writes.
async function bulk(redis) {
  const pipeline = redis.pipeline();
  for (let i = 0; i < 5000; i++) pipeline.set(`cl:bulk:${i}`, `v${i}`);
  for (let i = 0; i < 5000; i++) pipeline.incr('cl:bulk:n');
  const replies = await pipeline.exec();
  emit('pipeline.replies', [replies.length, replies[4999], replies[9999]]);
  const values = await redis.mget(Array.from({ length: 3000 }, (_, i) => `cl:bulk:${i * 2}`));
  emit('mget.large', [values.length, values[0], values[2999], values.filter((v) => v === null).length]);
  const big = Buffer.alloc(2 * 1024 * 1024 + 7);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
  emit('set.big.binary', await redis.set('cl:bulk:big', big));
  emit('get.big.binary.same', Buffer.compare(big, await redis.getBuffer('cl:bulk:big')) === 0);
  emit('getrange.big', Buffer.compare(big.subarray(1000, 1500001), await redis.getrangeBuffer('cl:bulk:big', 1000, 1500000)) === 0);
  emit('encodings', await Promise.all(['cl:bulk:big', 'cl:bulk:n', 'cl:bulk:0'].map((k) => redis.object('ENCODING', k))));
}

async function reconnect(redis, other) {
  const events = [];
  for (const event of ['close', 'reconnecting', 'connect', 'ready']) redis.on(event, () => events.push(event));
  const id = await redis.client('ID');
  emit('client.kill', await other.client('KILL', 'ID', id));
  await poll(() => events.includes('ready'), 'ioredis to reconnect');
  emit('reconnect.events', events);
  emit('reconnected.ping', await redis.ping());
  emit('reconnected.new.id', (await redis.client('ID')) !== id);
  emit('reconnected.name.restored', await redis.client('GETNAME'));
}

// ioredis resubscribes a killed subscriber and resends a killed connection's unanswered BLPOP.
async function reconnectResumes(redis, other) {
  const subscriber = new Redis({ ...options, connectionName: 'cl-ioredis-subscriber' });
  await subscriber.connect();
  const messages = [];
  subscriber.on('message', (channel, message) => messages.push([channel, message]));
  subscriber.on('pmessage', (pattern, channel, message) => messages.push([pattern, channel, message]));
  await subscriber.subscribe('cl:resumed');
  await subscriber.psubscribe('cl:resumed.*');
  const subscriberIds = async () => (await other.client('LIST', 'TYPE', 'pubsub')).split('\n')
    .filter((line) => / sub=1 psub=1 /.test(line)).map((line) => /^id=(\d+) /.exec(line)[1]);
  const [killedId] = await subscriberIds();
  emit('kill.subscriber', await other.client('KILL', 'ID', killedId));
  await poll(async () => (await subscriberIds()).some((id) => id !== killedId), 'ioredis to resubscribe');
  emit('publish.after.resubscribe', await other.publish('cl:resumed', 'again'));
  emit('publish.pattern.after.resubscribe', await other.publish('cl:resumed.x', 'again'));
  await poll(() => messages.length >= 2, 'messages after resubscribing');
  emit('resubscribed.messages', messages);
  subscriber.disconnect();

  const blocked = new Redis({ ...options, connectionName: 'cl-ioredis-blocked' });
  await blocked.connect();
  const blockedId = await blocked.client('ID');
  const popped = blocked.blpop('cl:resent', 10);
  await poll(async () => blockedClients(await other.info('clients')) === 1, 'the BLPOP to block');
  emit('kill.blocked', await other.client('KILL', 'ID', blockedId));
  await poll(async () => blockedClients(await other.info('clients')) === 1, 'the resent BLPOP to block');
  emit('rpush.wakes.resent', await other.rpush('cl:resent', 'late'));
  emit('resent.blpop', await popped);
  blocked.disconnect();
}

async function main() {
  const redis = new Redis(options);
  const other = new Redis({ ...options, connectionName: 'cl-ioredis-other' });
  await redis.connect();
  await other.connect();
  emit('status', redis.status);
  emit('flushall', await redis.flushall());
  for (const scenario of [stringsWithTtl, counters, msetMget, hashes, lists, sets, leaderboard,
    pipelinesAndTransactions, pubsub, lua, scanStream, bulk, streams, hyperloglog, geo, errors, info, clientName,
    reconnect, reconnectResumes]) {
    emit('scenario', scenario.name);
    await scenario(redis, other);
  }
  redis.disconnect();
  other.disconnect();
  emit('done', true);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
