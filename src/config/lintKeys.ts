// Names of the settings MirrorMaker 2 reads, for `mirrorwatch lint`. Gathered from the ConfigDefs of
// Apache Kafka 3.9.2 and 4.3.1 (MirrorMakerConfig, MirrorConnectorConfig, MirrorSourceConfig,
// MirrorCheckpointConfig, MirrorHeartbeatConfig, MirrorClientConfig, Connect's ConnectorConfig,
// SourceConnectorConfig and DistributedConfig, and the producer, consumer and admin client configs),
// minus the keys Kafka 4.0 removed (REMOVED_KEYS). Only names: which scope reads them is in lint.ts.

function words(text: string): ReadonlySet<string> {
  return new Set(text.split(/\s+/).filter((w) => w !== ''));
}

/** Client security settings (ssl.*, sasl.*): valid at the top level, per cluster and per client. */
export const SSL_SASL_KEYS: ReadonlySet<string> = words(`
  sasl.client.callback.handler.class sasl.jaas.config sasl.kerberos.kinit.cmd
  sasl.kerberos.min.time.before.relogin sasl.kerberos.service.name sasl.kerberos.ticket.renew.jitter
  sasl.kerberos.ticket.renew.window.factor sasl.login.callback.handler.class sasl.login.class
  sasl.login.connect.timeout.ms sasl.login.read.timeout.ms sasl.login.refresh.buffer.seconds
  sasl.login.refresh.min.period.seconds sasl.login.refresh.window.factor sasl.login.refresh.window.jitter
  sasl.login.retry.backoff.max.ms sasl.login.retry.backoff.ms sasl.mechanism
  sasl.oauthbearer.assertion.algorithm sasl.oauthbearer.assertion.claim.aud
  sasl.oauthbearer.assertion.claim.exp.seconds sasl.oauthbearer.assertion.claim.iss
  sasl.oauthbearer.assertion.claim.jti.include sasl.oauthbearer.assertion.claim.nbf.seconds
  sasl.oauthbearer.assertion.claim.sub sasl.oauthbearer.assertion.file
  sasl.oauthbearer.assertion.private.key.file sasl.oauthbearer.assertion.private.key.passphrase
  sasl.oauthbearer.assertion.template.file sasl.oauthbearer.client.credentials.client.id
  sasl.oauthbearer.client.credentials.client.secret sasl.oauthbearer.clock.skew.seconds
  sasl.oauthbearer.expected.audience sasl.oauthbearer.expected.issuer sasl.oauthbearer.header.urlencode
  sasl.oauthbearer.jwks.endpoint.refresh.ms sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms
  sasl.oauthbearer.jwks.endpoint.retry.backoff.ms sasl.oauthbearer.jwks.endpoint.url
  sasl.oauthbearer.jwt.retriever.class sasl.oauthbearer.jwt.validator.class sasl.oauthbearer.scope
  sasl.oauthbearer.scope.claim.name sasl.oauthbearer.sub.claim.name sasl.oauthbearer.token.endpoint.url
  ssl.cipher.suites ssl.client.auth ssl.enabled.protocols ssl.endpoint.identification.algorithm
  ssl.engine.factory.class ssl.key.password ssl.keymanager.algorithm ssl.keystore.certificate.chain
  ssl.keystore.key ssl.keystore.location ssl.keystore.password ssl.keystore.type ssl.protocol ssl.provider
  ssl.secure.random.implementation ssl.trustmanager.algorithm ssl.truststore.certificates
  ssl.truststore.location ssl.truststore.password ssl.truststore.type
`);

/** MirrorMakerConfig's own settings (top level only): clusters, REST server of dedicated mode, config providers. */
export const MIRROR_MAKER_KEYS: ReadonlySet<string> = words(`
  access.control.allow.methods access.control.allow.origin clusters config.providers
  dedicated.mode.enable.internal.rest listeners response.http.headers.config rest.advertised.host.name
  rest.advertised.listener rest.advertised.port security.protocol
`);

/** Settings of the MirrorSource, MirrorCheckpoint and MirrorHeartbeat connectors (Connect connector settings included): valid at the top level and as `A->B.x`. */
export const CONNECTOR_KEYS: ReadonlySet<string> = words(`
  admin.timeout.ms checkpoints.topic.replication.factor config.action.reload config.properties.exclude
  config.property.filter.class config.providers connector.class connector.plugin.version
  consumer.poll.timeout.ms emit.checkpoints.enabled emit.checkpoints.interval.seconds emit.heartbeats.enabled
  emit.heartbeats.interval.seconds emit.offset-syncs.enabled enabled errors.log.enable
  errors.log.include.messages errors.retry.delay.max.ms errors.retry.timeout errors.tolerance
  exactly.once.support forwarding.admin.class group.filter.class groups groups.exclude header.converter
  header.converter.plugin.version heartbeats.replication.enabled heartbeats.topic.replication.factor
  key.converter key.converter.plugin.version metric.names.formats metric.reporters name
  offset-syncs.topic.location offset-syncs.topic.replication.factor offset.lag.max offsets.storage.topic
  predicates refresh.groups.enabled refresh.groups.interval.seconds refresh.topics.enabled
  refresh.topics.interval.seconds replication.factor replication.policy.class
  replication.policy.internal.topic.separator.enabled replication.policy.separator security.protocol
  source.cluster.alias sync.group.offsets.enabled sync.group.offsets.interval.seconds sync.topic.acls.enabled
  sync.topic.acls.interval.seconds sync.topic.configs.enabled sync.topic.configs.interval.seconds
  target.cluster.alias tasks.max tasks.max.enforce topic.creation.groups topic.filter.class topics
  topics.exclude transaction.boundary transaction.boundary.interval.ms transforms value.converter
  value.converter.plugin.version
`);

/** Connect worker settings (DistributedConfig): MM2 reads them per target cluster as `<alias>.x` (and a few prefixes at the top level). */
export const WORKER_KEYS: ReadonlySet<string> = words(`
  access.control.allow.methods access.control.allow.origin admin.listeners bootstrap.servers client.dns.lookup
  client.id config.providers config.storage.replication.factor config.storage.topic connect.protocol
  connections.max.idle.ms connector.client.config.override.policy exactly.once.source.support group.id
  header.converter header.converter.plugin.version heartbeat.interval.ms inter.worker.key.generation.algorithm
  inter.worker.key.size inter.worker.key.ttl.ms inter.worker.signature.algorithm
  inter.worker.verification.algorithms key.converter key.converter.plugin.version listeners metadata.max.age.ms
  metadata.recovery.rebootstrap.trigger.ms metadata.recovery.strategy metric.reporters metrics.num.samples
  metrics.recording.level metrics.sample.window.ms offset.flush.interval.ms offset.flush.timeout.ms
  offset.storage.partitions offset.storage.replication.factor offset.storage.topic plugin.discovery plugin.path
  rebalance.timeout.ms receive.buffer.bytes reconnect.backoff.max.ms reconnect.backoff.ms request.timeout.ms
  response.http.headers.config rest.advertised.host.name rest.advertised.listener rest.advertised.port
  rest.extension.classes retry.backoff.max.ms retry.backoff.ms scheduled.rebalance.max.delay.ms
  security.protocol send.buffer.bytes session.timeout.ms socket.connection.setup.timeout.max.ms
  socket.connection.setup.timeout.ms status.storage.partitions status.storage.replication.factor
  status.storage.topic task.shutdown.graceful.timeout.ms topic.creation.enable topic.tracking.allow.reset
  topic.tracking.enable value.converter value.converter.plugin.version worker.sync.timeout.ms
  worker.unsync.backoff.ms
`);

/** Settings every Kafka client (producer, consumer, admin) knows. */
export const CLIENT_COMMON_KEYS: ReadonlySet<string> = words(`
  bootstrap.servers client.dns.lookup client.id config.providers connections.max.idle.ms enable.metrics.push
  metadata.max.age.ms metadata.recovery.rebootstrap.trigger.ms metadata.recovery.strategy metric.reporters
  metrics.num.samples metrics.recording.level metrics.sample.window.ms receive.buffer.bytes
  reconnect.backoff.max.ms reconnect.backoff.ms request.timeout.ms retry.backoff.max.ms retry.backoff.ms
  security.protocol security.providers send.buffer.bytes socket.connection.setup.timeout.max.ms
  socket.connection.setup.timeout.ms
`);

/** Producer-only settings. */
export const PRODUCER_KEYS: ReadonlySet<string> = words(`
  acks batch.size buffer.memory compression.gzip.level compression.lz4.level compression.type
  compression.zstd.level delivery.timeout.ms enable.idempotence interceptor.classes key.serializer linger.ms
  max.block.ms max.in.flight.requests.per.connection max.request.size metadata.max.idle.ms
  partitioner.adaptive.partitioning.enable partitioner.availability.timeout.ms partitioner.class
  partitioner.ignore.keys retries transaction.timeout.ms transaction.two.phase.commit.enable transactional.id
  value.serializer
`);

/** Consumer-only settings. */
export const CONSUMER_KEYS: ReadonlySet<string> = words(`
  allow.auto.create.topics auto.commit.interval.ms auto.offset.reset check.crcs client.rack
  default.api.timeout.ms enable.auto.commit exclude.internal.topics fetch.max.bytes fetch.max.wait.ms
  fetch.min.bytes group.id group.instance.id group.protocol group.remote.assignor heartbeat.interval.ms
  interceptor.classes internal.leave.group.on.close internal.throw.on.fetch.stable.offset.unsupported
  isolation.level key.deserializer max.partition.fetch.bytes max.poll.interval.ms max.poll.records
  partition.assignment.strategy session.timeout.ms share.acknowledgement.mode share.acquire.mode
  value.deserializer
`);

/** Admin-client-only settings. */
export const ADMIN_KEYS: ReadonlySet<string> = words(`
  bootstrap.controllers default.api.timeout.ms retries
`);

/** Keys Kafka 4.0 removed, with what replaces them (null: nothing, the behaviour is now fixed). */
export const REMOVED_KEYS: ReadonlyMap<string, { replacement: string | null; note: string }> = new Map([
  ['topics.blacklist', { replacement: 'topics.exclude', note: 'MM2 4.x ignores it and uses the default exclude list' }],
  ['groups.blacklist', { replacement: 'groups.exclude', note: 'MM2 4.x ignores it and uses the default group exclude list' }],
  ['config.properties.blacklist', { replacement: 'config.properties.exclude', note: 'MM2 4.x ignores it and syncs the topic configs it excluded' }],
  ['use.incremental.alter.configs', { replacement: null, note: 'MM2 4.x always syncs topic configs with incremental alter configs (target brokers must be 2.3 or newer)' }],
  ['add.source.alias.to.metrics', { replacement: null, note: 'MM2 4.x always adds the source alias to its metrics' }],
  ['auto.include.jmx.reporter', { replacement: 'metric.reporters', note: 'Kafka 4.x clients ignore it' }],
  ['metrics.jmx.blacklist', { replacement: 'metrics.jmx.exclude', note: 'Kafka 4.x ignores it' }],
  ['metrics.jmx.whitelist', { replacement: 'metrics.jmx.include', note: 'Kafka 4.x ignores it' }],
]);
