// Usage: node roundtrip.mjs <bootstrap> <topic> <group> <count>
// Creates a topic, produces <count> keyed messages, consumes them in a consumer group, commits,
// and prints one JSON line with what it saw. kafkajs runs with its default settings.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, topic, group, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'herald-kafkajs', brokers: [bootstrap], logLevel: logLevel.WARN });

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
await admin.disconnect();

const producer = kafka.producer();
await producer.connect();
const messages = Array.from({ length: count }, (_, i) => ({ key: `key-${i % 7}`, value: `value-${i}` }));
await producer.send({ topic, messages });
await producer.disconnect();

const consumer = kafka.consumer({ groupId: group });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const received = [];
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages arrived`)), 60000);
  consumer.run({
    eachMessage: async ({ partition, message }) => {
      received.push({ partition, offset: message.offset, key: message.key.toString(), value: message.value.toString() });
      if (received.length === count) { clearTimeout(timer); resolve(); }
    },
  }).catch(reject);
});
await consumer.disconnect();

const offsetsAdmin = kafka.admin();
await offsetsAdmin.connect();
const committed = await offsetsAdmin.fetchOffsets({ groupId: group, topics: [topic] });
await offsetsAdmin.disconnect();

console.log("RESULT " + JSON.stringify({
  partitions: metadata.topics[0].partitions.length,
  received,
  committed: committed[0].partitions.map(p => ({ partition: p.partition, offset: Number(p.offset) })),
}));
