'use strict';
// node-redis scenarios for ClientLibrariesTest: node node-redis-scenarios.js HOST PORT
// The main client speaks RESP3 (HELLO 3 with SETNAME at connect, then CLIENT SETINFO, whose errors
// the library ignores); a RESP2 client runs the same typed calls where the reply shape differs.
const { createClient, defineScript, WatchError } = require('redis');
const { emit, emitError, poll, blockedClients, infoSections, argv } = require('./transcript');

const { host, port } = argv();

const scripts = {
  addScore: defineScript({
    NUMBER_OF_KEYS: 1,
    SCRIPT: 'return redis.call("ZINCRBY", KEYS[1], ARGV[1], ARGV[2])',
    parseCommand(parser, key, increment, member) {
      parser.pushKey(key);
      parser.push(increment.toString(), member);
    },
    transformReply: undefined,
  }),
};

function connect(RESP, name) {
  const client = createClient({
    socket: { host, port, reconnectStrategy: (retries) => Math.min(retries * 20, 200) },
    RESP,
    name,
    scripts,
  });
  client.on('error', () => {}); // a killed connection reports here before it reconnects
  return client;
}

async function hello(redis) {
  const reply = await redis.sendCommand(['HELLO', '3']);
  emit('hello.fields', Object.keys(reply).sort());
  emit('hello.proto', reply.proto);
  emit('hello.modules', reply.modules);
  emit('hello.server.version.type', typeof reply.version);
  await emitError('hello.4', () => redis.sendCommand(['HELLO', '4']));
}

async function stringsWithTtl(redis) {
  emit('set.ex', await redis.set('cl:greeting', 'hello', { EX: 100 }));
  const ttl = await redis.ttl('cl:greeting');
  emit('ttl.in.range', ttl > 0 && ttl <= 100);
  emit('expiretime.in.future', (await redis.expireTime('cl:greeting')) > Date.now() / 1000);
  emit('set.nx.existing', await redis.set('cl:greeting', 'again', { condition: 'NX' }));
  emit('set.get', await redis.set('cl:greeting', 'bye', { KEEPTTL: true, GET: true }));
  emit('expire.gt', await redis.expire('cl:greeting', 10, 'GT'));
  emit('persist', await redis.persist('cl:greeting'));
  emit('pexpire', await redis.pExpire('cl:greeting', 40));
  await poll(async () => (await redis.exists('cl:greeting')) === 0, 'cl:greeting to expire');
  emit('expired', await redis.get('cl:greeting'));
  emit('pttl.missing', await redis.pTTL('cl:greeting'));
  emit('getex.missing', await redis.getEx('cl:greeting', { type: 'PERSIST' }));
  emit('lcs', await redis.lcs('cl:none1', 'cl:none2'));
}

async function counters(redis) {
  emit('incr', await redis.incr('cl:counter'));
  emit('incrBy', await redis.incrBy('cl:counter', 41));
  emit('decr', await redis.decr('cl:counter'));
  emit('incrByFloat', await redis.incrByFloat('cl:float', 3.0e3));
  emit('incrByFloat.small', await redis.incrByFloat('cl:float', 1e-5));
  emit('object.encoding', await redis.objectEncoding('cl:counter'));
}

async function msetMget(redis) {
  emit('mSet', await redis.mSet({ 'cl:m1': 'a', 'cl:m2': 'b' }));
  emit('mGet', await redis.mGet(['cl:m1', 'cl:nope', 'cl:m2']));
  emit('mSetNX', await redis.mSetNX({ 'cl:m3': 'c', 'cl:m4': 'd' }));
}

async function hashes(redis) {
  emit('hSet', await redis.hSet('cl:user:1', { name: 'Ada', visits: 1, lang: 'en' }));
  emit('hGetAll', await redis.hGetAll('cl:user:1'));
  emit('hGetAll.raw', await redis.sendCommand(['HGETALL', 'cl:user:1']));
  emit('hGetAll.missing', await redis.hGetAll('cl:user:none'));
  emit('hIncrBy', await redis.hIncrBy('cl:user:1', 'visits', 2));
  emit('hIncrByFloat', await redis.hIncrByFloat('cl:user:1', 'score', 0.5));
  emit('hmGet', await redis.hmGet('cl:user:1', ['name', 'missing']));
  emit('hRandField.count', (await redis.hRandFieldCount('cl:user:1', 2)).length);
  emit('hRandField.withvalues.raw', (await redis.sendCommand(['HRANDFIELD', 'cl:user:1', '2', 'WITHVALUES'])).length);
  const fields = [];
  for await (const entries of redis.hScanIterator('cl:user:1')) fields.push(...entries.map((e) => e.field));
  emit('hScanIterator', fields.sort());
}

async function lists(redis, other) {
  emit('rPush', await redis.rPush('cl:queue', ['a', 'b', 'c']));
  emit('lRange', await redis.lRange('cl:queue', 0, -1));
  emit('lPopCount', await redis.lPopCount('cl:queue', 2));
  emit('lmPop', await redis.lmPop(['cl:none', 'cl:queue'], 'LEFT'));
  emit('blPop.timeout', await redis.blPop('cl:empty', 0.1));
  emit('blmPop.timeout', await redis.blmPop(0.05, ['cl:empty'], 'LEFT'));
  const popped = redis.blPop(['cl:none', 'cl:jobs'], 5);
  await poll(async () => blockedClients(await other.info('clients')) === 1, 'the BLPOP to block');
  emit('rPush.wakes', await other.rPush('cl:jobs', ['job-1', 'job-2']));
  emit('blPop.woken', await popped);
  const zpopped = redis.bzPopMin('cl:zjobs', 5);
  await poll(async () => blockedClients(await other.info('clients')) === 1, 'the BZPOPMIN to block');
  emit('zAdd.wakes', await other.zAdd('cl:zjobs', [{ score: 2, value: 'b' }, { score: 1, value: 'a' }]));
  emit('bzPopMin.woken', await zpopped);
}

async function sets(redis) {
  emit('sAdd', await redis.sAdd('cl:tags', ['red', 'green', 'blue']));
  emit('sMembers', (await redis.sMembers('cl:tags')).sort());
  emit('sMembers.intset.raw', await redis.sendCommand(['SMEMBERS', 'cl:none']));
  emit('sAdd.ints', await redis.sAdd('cl:ints', ['3', '1', '2']));
  emit('sMembers.intset', await redis.sMembers('cl:ints'));
  emit('sIsMember', await redis.sIsMember('cl:tags', 'red'));
  emit('smIsMember', await redis.smIsMember('cl:tags', ['red', 'pink']));
  emit('sUnion', (await redis.sUnion(['cl:tags', 'cl:ints'])).sort());
  emit('sInterCard', await redis.sInterCard(['cl:tags', 'cl:ints']));
  emit('sRandMember.count', (await redis.sRandMemberCount('cl:ints', -5)).length);
}

async function leaderboard(redis) {
  emit('zAdd', await redis.zAdd('cl:board', [
    { score: 10, value: 'alice' }, { score: 20, value: 'bob' }, { score: 15, value: 'carol' }]));
  emit('zIncrBy', await redis.zIncrBy('cl:board', 7.5, 'alice'));
  emit('zIncrBy.tiny', await redis.zIncrBy('cl:board', 0.1, 'carol'));
  emit('zRangeWithScores.rev', await redis.zRangeWithScores('cl:board', 0, -1, { REV: true }));
  emit('zrevrange.withscores.raw', await redis.sendCommand(['ZREVRANGE', 'cl:board', '0', '-1', 'WITHSCORES']));
  emit('zScore', await redis.zScore('cl:board', 'carol'));
  emit('zScore.missing', await redis.zScore('cl:board', 'nobody'));
  emit('zRank', await redis.zRank('cl:board', 'bob'));
  emit('zAdd.incr.raw', await redis.sendCommand(['ZADD', 'cl:board', 'INCR', '1e3', 'bob']));
  emit('zAdd.incr.nx.raw', await redis.sendCommand(['ZADD', 'cl:board', 'NX', 'INCR', '1', 'bob']));
  emit('zPopMax', await redis.zPopMax('cl:board'));
  emit('zmPop', await redis.zmPop(['cl:none', 'cl:board'], 'MIN', { COUNT: 1 }));
  emit('zRandMember.withscores.raw', await redis.sendCommand(['ZRANDMEMBER', 'cl:board', '1', 'WITHSCORES']));
  emit('zScan', await redis.zScan('cl:board', '0'));
  emit('zadd.inf.raw', await redis.sendCommand(['ZADD', 'cl:inf', '+inf', 'top', '-inf', 'bottom']));
  emit('zrange.inf.raw', await redis.sendCommand(['ZRANGE', 'cl:inf', '0', '-1', 'WITHSCORES']));
}

async function pipelinesAndTransactions(redis, other) {
  emit('pipeline', await redis.multi().set('cl:p', '1').incr('cl:p').get('cl:p').execAsPipeline());
  emit('multi', await redis.multi().incr('cl:tx').incr('cl:tx').expire('cl:tx', 100).ttl('cl:tx').exec());
  await emitError('multi.runtime.error', () => redis.multi().set('cl:tx2', 'v').lPush('cl:tx2', 'x').get('cl:tx2').exec());
  await emitError('multi.queue.error', () => redis.multi().set('cl:tx3', 'v').addCommand(['NOSUCHCOMMAND']).exec());
  emit('multi.queue.error.discarded', await redis.exists('cl:tx3'));
  emit('exec.raw', await redis.sendCommand(['EXEC']).catch((e) => e));
  emit('watch', await redis.watch('cl:balance'));
  const balance = Number(await redis.get('cl:balance'));
  emit('other.set', await other.set('cl:balance', '100'));
  try {
    emit('watch.conflict', await redis.multi().set('cl:balance', String(balance + 10)).exec());
  } catch (error) {
    emit('watch.conflict', [error instanceof WatchError, error.message]);
  }
  emit('watch.balance', await redis.get('cl:balance'));
  emit('multi.empty', await redis.multi().exec());
}

async function pubsub(redis) {
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  const messages = [];
  await subscriber.subscribe('cl:news', (message, channel) => messages.push(['message', channel, message]));
  await subscriber.pSubscribe('cl:events.*', (message, channel) => messages.push(['pmessage', channel, message]));
  await subscriber.subscribe('cl:news', (message, channel) => messages.push(['second listener', channel, message]));
  emit('pubsub.numsub', await redis.pubSubNumSub(['cl:news', 'cl:nobody']));
  emit('pubsub.numpat', await redis.pubSubNumPat());
  emit('publish.news', await redis.publish('cl:news', 'hello'));
  emit('publish.event', await redis.publish('cl:events.login', 'ada'));
  await poll(() => messages.length >= 3, 'published messages');
  emit('messages', messages);
  // In RESP3 a subscribed connection still runs ordinary commands.
  emit('subscriber.ping', await subscriber.ping());
  emit('subscriber.get', await subscriber.get('cl:m1'));
  await subscriber.unsubscribe('cl:news');
  await subscriber.pUnsubscribe('cl:events.*');
  emit('pubsub.numsub.after', await redis.pubSubNumSub(['cl:news']));
  const resp2Subscriber = createClient({ socket: { host, port } });
  resp2Subscriber.on('error', () => {});
  await resp2Subscriber.connect();
  const resp2Messages = [];
  await resp2Subscriber.subscribe('cl:resp2', (message, channel) => resp2Messages.push([channel, message]));
  emit('publish.resp2', await redis.publish('cl:resp2', 'two'));
  await poll(() => resp2Messages.length >= 1, 'the RESP2 subscriber');
  emit('resp2.messages', resp2Messages);
  await resp2Subscriber.unsubscribe();
  await resp2Subscriber.quit();
  await subscriber.quit();
}

async function lua(redis) {
  emit('eval', await redis.eval('return {KEYS[1], ARGV[1], 2.5, {1, "two"}, redis.status_reply("OK"), false, true}', {
    keys: ['cl:k'], arguments: ['a'] }));
  emit('eval.resp3.map', await redis.eval('redis.setresp(3); return redis.call("HGETALL", KEYS[1])', { keys: ['cl:user:1'] }));
  emit('eval.resp3.double', await redis.eval('redis.setresp(3); return redis.call("ZSCORE", KEYS[1], "carol")', { keys: ['cl:board'] }));
  emit('eval.double.reply', await redis.eval('return {double=3.14}', {}));
  emit('eval.bignum.raw', await redis.sendCommand(['EVAL', 'return {big_number="123456789012345678901234567890"}', '0']).catch((e) => e));
  const sha = await redis.scriptLoad('return redis.call("GET", KEYS[1])');
  emit('scriptLoad', sha);
  emit('evalSha', await redis.evalSha(sha, { keys: ['cl:m1'] }));
  emit('scriptExists', await redis.scriptExists([sha, 'ffffffffffffffffffffffffffffffffffffffff']));
  emit('defineScript', await redis.addScore('cl:board2', 5, 'carol'));
  emit('scriptFlush', await redis.scriptFlush());
  emit('defineScript.after.flush', await redis.addScore('cl:board2', 5, 'carol'));
  await emitError('eval.runtime.error', () => redis.eval('return redis.call("INCR", KEYS[1])', { keys: ['cl:tags'] }));
  await emitError('evalSha.missing', () => redis.evalSha('ffffffffffffffffffffffffffffffffffffffff'));
}

async function scanIterator(redis) {
  const multi = redis.multi();
  for (let i = 0; i < 150; i++) multi.set(`cl:scan:${i}`, String(i));
  multi.sAdd('cl:scan:set', Array.from({ length: 200 }, (_, i) => `m${i}`));
  await multi.execAsPipeline();
  const keys = [];
  for await (const batch of redis.scanIterator({ MATCH: 'cl:scan:1*', COUNT: 10 })) keys.push(...batch);
  emit('scanIterator', [...new Set(keys)].sort());
  const hashKeys = [];
  for await (const batch of redis.scanIterator({ TYPE: 'set', COUNT: 1000 })) hashKeys.push(...batch);
  emit('scanIterator.type', hashKeys.sort());
  const members = [];
  for await (const batch of redis.sScanIterator('cl:scan:set', { MATCH: 'm1?', COUNT: 7 })) members.push(...batch);
  emit('sScanIterator', [...new Set(members)].sort());
}

async function streams(redis) {
  emit('xAdd', await redis.xAdd('cl:stream', '1-1', { sensor: 't1', value: '20' }));
  emit('xAdd.2', await redis.xAdd('cl:stream', '1-2', { sensor: 't2', value: '21' }));
  const autoId = await redis.xAdd('cl:stream:auto', '*', { sensor: 't3' });
  emit('xAdd.auto.shape', /^\d+-\d+$/.test(autoId));
  emit('xGroupCreate', await redis.xGroupCreate('cl:stream', 'workers', '0'));
  emit('xReadGroup', await redis.xReadGroup('workers', 'w1', { key: 'cl:stream', id: '>' }, { COUNT: 2 }));
  emit('xAck', await redis.xAck('cl:stream', 'workers', ['1-1']));
  emit('xPending', await redis.xPending('cl:stream', 'workers'));
  emit('xPendingRange', (await redis.xPendingRange('cl:stream', 'workers', '-', '+', 10))
    .map((p) => [p.id, p.consumer, p.deliveriesCounter]));
  emit('xInfoGroups', (await redis.xInfoGroups('cl:stream'))
    .map((g) => [g.name, g.consumers, g.pending, g['last-delivered-id'], g['entries-read'], g.lag]));
  emit('xInfoStream.raw.fields', Object.keys(await redis.sendCommand(['XINFO', 'STREAM', 'cl:stream'])).sort());
  emit('xRange', await redis.xRange('cl:stream', '-', '1-2'));
  const blocked = redis.duplicate();
  blocked.on('error', () => {});
  await blocked.connect();
  const waiting = blocked.xReadGroup('workers', 'w2', { key: 'cl:stream', id: '>' }, { BLOCK: 5000 });
  await poll(async () => blockedClients(await redis.info('clients')) === 1, 'the XREADGROUP to block');
  emit('xAdd.wakes', await redis.xAdd('cl:stream', '9-1', { sensor: 't9' }));
  emit('xReadGroup.woken', await waiting);
  await blocked.quit();
  emit('xTrim', await redis.xTrim('cl:stream', 'MAXLEN', 1));
}

async function hyperloglog(redis) {
  emit('pfAdd', await redis.pfAdd('cl:hll', Array.from({ length: 2000 }, (_, i) => `u${i}`)));
  emit('pfCount', await redis.pfCount('cl:hll'));
  emit('pfAdd.b', await redis.pfAdd('cl:hll:b', ['x', 'y']));
  emit('pfMerge', await redis.pfMerge('cl:hll:c', ['cl:hll', 'cl:hll:b']));
  emit('pfCount.merged', await redis.pfCount(['cl:hll', 'cl:hll:b']));
}

async function geo(redis) {
  emit('geoAdd', await redis.geoAdd('cl:geo', [
    { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
    { longitude: 15.087269, latitude: 37.502669, member: 'Catania' }]));
  emit('geoDist', await redis.geoDist('cl:geo', 'Palermo', 'Catania', 'mi'));
  emit('geoPos', await redis.geoPos('cl:geo', ['Palermo', 'nowhere']));
  emit('geoHash', await redis.geoHash('cl:geo', ['Palermo']));
  emit('geoSearchWith', await redis.geoSearchWith('cl:geo', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' },
    ['WITHDIST', 'WITHCOORD', 'WITHHASH'], { SORT: 'ASC' }));
  emit('geosearch.raw', await redis.sendCommand(['GEOSEARCH', 'cl:geo', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400',
    'km', 'ASC', 'WITHDIST', 'WITHCOORD']));
  emit('geoRadiusByMember', await redis.geoRadiusByMember('cl:geo', 'Palermo', 100, 'km'));
}

async function errors(redis) {
  await redis.set('cl:plain', 'x');
  await emitError('wrongtype', () => redis.lPush('cl:plain', 'y'));
  await emitError('unknown.command', () => redis.sendCommand(['NOSUCHCOMMAND', 'a', 'b']));
  await emitError('wrong.arity', () => redis.sendCommand(['HSET', 'cl:h', 'f']));
  await emitError('not.integer', () => redis.sendCommand(['LRANGE', 'cl:q', 'x', '1']));
  await emitError('zadd.nan', () => redis.sendCommand(['ZINCRBY', 'cl:inf', '-inf', 'top']));
  await emitError('config.get.arity', () => redis.sendCommand(['CONFIG', 'GET']));
  await emitError('object.unknown.subcommand', () => redis.sendCommand(['OBJECT', 'WHATEVER', 'k']));
}

async function info(redis) {
  const text = await redis.info();
  emit('info.sections', infoSections(text));
  emit('info.sections.all', infoSections(await redis.info('all')));
  emit('info.multiple.sections', infoSections(await redis.sendCommand(['INFO', 'clients', 'memory'])));
  emit('info.resp3.string', typeof (await redis.sendCommand(['INFO', 'server'])));
  emit('config.get', await redis.configGet('maxmemory-policy'));
  emit('config.get.glob', Object.keys(await redis.configGet('hash-max-*')).sort());
}

async function clientName(redis) {
  emit('clientGetName', await redis.clientGetName());
  emit('clientSetName', await redis.clientSetName('cl-node-redis-renamed'));
  emit('clientGetName.renamed', await redis.clientGetName());
  emit('clientInfo.name', (await redis.clientInfo()).name);
  emit('clientList.names', (await redis.clientList()).map((c) => c.name).filter((n) => n.startsWith('cl-')).sort());
  emit('clientSetName', await redis.clientSetName('cl-node-redis'));
  await emitError('clientSetName.space', () => redis.clientSetName('has space'));
}

async function reconnect(redis, other) {
  const events = [];
  for (const event of ['end', 'reconnecting', 'connect', 'ready']) redis.on(event, () => events.push(event));
  const id = await redis.clientId();
  emit('client.kill', await other.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]));
  await poll(() => events.includes('ready'), 'node-redis to reconnect');
  emit('reconnect.events', events);
  emit('reconnected.ping', await redis.ping());
  emit('reconnected.new.id', (await redis.clientId()) !== id);
  emit('reconnected.name.restored', await redis.clientGetName());
  emit('reconnected.resp3', await redis.sendCommand(['HGETALL', 'cl:user:1']));
}

// RESP3 client-side caching: CLIENT TRACKING on the connection itself, invalidations as push messages.
async function clientSideCache(redis) {
  const cached = createClient({ socket: { host, port }, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 100 } });
  cached.on('error', () => {});
  await cached.connect();
  const cache = cached.clientSideCache;
  const counts = () => { const { hitCount, missCount } = cache.stats(); return { hitCount, missCount }; };
  await redis.set('cl:cached', '1');
  emit('cached.get', await cached.get('cl:cached'));
  emit('cached.get.again', await cached.get('cl:cached'));
  emit('cached.counts', counts());
  emit('cached.trackinginfo', await cached.sendCommand(['CLIENT', 'TRACKINGINFO']));
  emit('writer.set', await redis.set('cl:cached', '2'));
  await poll(async () => (await cached.get('cl:cached')) === '2', 'the invalidation push');
  emit('cached.after.invalidation', counts().missCount >= 2);
  emit('cached.hGetAll', await cached.hGetAll('cl:user:1'));
  emit('writer.del', await redis.del('cl:user:1'));
  await poll(async () => Object.keys(await cached.hGetAll('cl:user:1')).length === 0, 'the hash invalidation');
  await cached.quit();
}

async function shardedPubsubAndMonitor(redis) {
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  const messages = [];
  await subscriber.sSubscribe('cl:shard', (message, channel) => messages.push([channel, message]));
  emit('pubsub.shardchannels', await redis.sendCommand(['PUBSUB', 'SHARDCHANNELS', 'cl:*']));
  emit('pubsub.shardnumsub', await redis.pubSubShardNumSub(['cl:shard']));
  emit('spublish', await redis.sPublish('cl:shard', 'sharded'));
  await poll(() => messages.length >= 1, 'the sharded message');
  emit('smessages', messages);
  await subscriber.sUnsubscribe('cl:shard');
  emit('spublish.after.unsubscribe', await redis.sPublish('cl:shard', 'nobody'));
  await subscriber.quit();

  const monitor = redis.duplicate();
  monitor.on('error', () => {});
  await monitor.connect();
  const lines = [];
  await monitor.monitor((line) => lines.push(line.replace(/^\d+\.\d+ \[0 [^\]]+\] /, '')));
  await redis.set('cl:monitored', 'a "quoted"\nvalue');
  await redis.sendCommand(['GET', 'cl:monitored']);
  await poll(() => lines.length >= 2, 'MONITOR lines');
  emit('monitor', lines);
  await monitor.disconnect();
}

// node-redis resubscribes a killed RESP3 subscriber (channels, patterns and sharded channels).
async function resubscribe(redis, other) {
  const subscriber = createClient({ socket: { host, port, reconnectStrategy: 20 }, RESP: 3, name: 'cl-node-redis-sub' });
  subscriber.on('error', () => {});
  await subscriber.connect();
  const id = await subscriber.clientId();
  const messages = [];
  await subscriber.subscribe('cl:resumed', (message, channel) => messages.push(['message', channel, message]));
  await subscriber.pSubscribe('cl:resumed.*', (message, channel) => messages.push(['pmessage', channel, message]));
  await subscriber.sSubscribe('cl:resumed:shard', (message, channel) => messages.push(['smessage', channel, message]));
  emit('kill.subscriber', await other.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]));
  await poll(async () => {
    const line = (await other.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub'])).split('\n')
      .find((l) => l.includes(' name=cl-node-redis-sub ') && !l.startsWith(`id=${id} `));
    return line !== undefined && / sub=1 psub=1 ssub=1 /.test(line);
  }, 'node-redis to resubscribe');
  emit('publish', await other.publish('cl:resumed', 'a'));
  emit('publish.pattern', await other.publish('cl:resumed.x', 'b'));
  emit('spublish', await other.sPublish('cl:resumed:shard', 'c'));
  await poll(() => messages.length >= 3, 'messages after resubscribing');
  emit('resubscribed.messages', messages);
  await subscriber.quit();
}

async function resp2(redis2) {
  emit('resp2.hGetAll', await redis2.hGetAll('cl:user:1'));
  emit('resp2.zRangeWithScores', await redis2.zRangeWithScores('cl:board2', 0, -1));
  emit('resp2.zScore', await redis2.zScore('cl:board2', 'carol'));
  emit('resp2.xReadGroup', await redis2.xReadGroup('workers', 'w3', { key: 'cl:stream', id: '0' }));
  emit('resp2.configGet', await redis2.configGet('maxmemory-policy'));
  emit('resp2.geoSearchWith', await redis2.geoSearchWith('cl:geo', 'Palermo', { radius: 1, unit: 'km' },
    ['WITHDIST']));
}

async function main() {
  const redis = connect(3, 'cl-node-redis');
  const other = connect(3, 'cl-node-redis-other');
  const redis2 = connect(undefined, 'cl-node-redis-resp2');
  await Promise.all([redis.connect(), other.connect(), redis2.connect()]);
  emit('isReady', redis.isReady);
  emit('flushAll', await redis.flushAll());
  for (const scenario of [hello, stringsWithTtl, counters, msetMget, hashes, lists, sets, leaderboard,
    pipelinesAndTransactions, pubsub, lua, scanIterator, streams, hyperloglog, geo, errors, info, clientName,
    clientSideCache, shardedPubsubAndMonitor, resubscribe, resp2, reconnect]) {
    emit('scenario', scenario.name);
    await scenario(scenario === resp2 ? redis2 : redis, other);
  }
  await Promise.all([redis.quit(), other.quit(), redis2.quit()]);
  emit('done', true);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
