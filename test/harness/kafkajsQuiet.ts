// kafkajs 2.2.4 re-arms each connection's pending-request check after every response even when no
// request waits, with a delay of `throttledUntil - Date.now()` = -1 - Date.now() when nothing is
// throttled: Node 26 warns once per process (TimeoutNegativeWarning: -1796... is a negative number),
// runs it after 1 ms, and it re-arms itself, a busy timer per connection for as long as a client
// lives. mirrorwatch corrects the pools it creates, per instance (quietIdleRequestQueues in
// src/kafka/kafkajsInternals.ts); the harness's clients are kafkajs's public Kafka client, whose
// connections are out of reach, so in a process that loads the harness the correction is made
// once on the request queue's prototype: the check is scheduled only while requests wait.
import { createRequire } from 'node:module';

interface RequestQueuePrototype {
  pending: unknown[];
  scheduleCheckPendingRequests(this: RequestQueuePrototype): void;
}

const require = createRequire(import.meta.url);
const proto = (require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueuePrototype }).prototype;
const QUIETED = Symbol.for('mirrorwatch.harness.quietRequestQueue');

if (typeof proto.scheduleCheckPendingRequests === 'function' && !(QUIETED in proto)) {
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueuePrototype) {
    if (this.pending.length > 0) schedule.call(this);
  };
  Object.defineProperty(proto, QUIETED, { value: true });
}
