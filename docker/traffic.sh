#!/bin/sh
# Traffic generator of the Docker Compose stack: a steady, throughput-limited stream of records into
# each topic of $TOPICS on the source cluster, and one consumer group reading the first topic (so
# that MM2 emits checkpoints for it). Runs in the apache/kafka image; every tool is restarted when
# it exits, e.g. while a broker restarts.
set -eu

BOOTSTRAP="${BOOTSTRAP:-kafka-us-east:9092}"
TOPICS="${TOPICS:-orders payments}"
PARTITIONS="${PARTITIONS:-3}"
RATE="${RATE:-20}"
RECORD_SIZE="${RECORD_SIZE:-256}"
GROUP="${GROUP:-orders-service}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"

until "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; do
  echo "traffic: waiting for $BOOTSTRAP"
  sleep 2
done

for topic in $TOPICS; do
  "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions "$PARTITIONS" --replication-factor 1
done

produce() {
  while true; do
    # --num-records is effectively endless at a few records per second.
    "$BIN/kafka-producer-perf-test.sh" --topic "$1" --num-records 1000000000 \
      --throughput "$RATE" --record-size "$RECORD_SIZE" \
      --producer-props bootstrap.servers="$BOOTSTRAP" acks=all linger.ms=20 || true
    sleep 2
  done
}

consume() {
  while true; do
    "$BIN/kafka-console-consumer.sh" --bootstrap-server "$BOOTSTRAP" --topic "$1" \
      --group "$GROUP" >/dev/null || true
    sleep 2
  done
}

for topic in $TOPICS; do
  produce "$topic" &
done
# shellcheck disable=SC2086 # word splitting of the topic list is intended
set -- $TOPICS
consume "$1" &

echo "traffic: $RATE records/s of $RECORD_SIZE bytes into each of: $TOPICS on $BOOTSTRAP; group $GROUP reads $1"
wait
