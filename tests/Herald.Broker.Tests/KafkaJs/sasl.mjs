// Usage: node sasl.mjs <bootstrap> <mechanism> <user> <password> <topic> <group>
// Logs in with kafkajs's SASL support (mechanism 'plain', 'scram-sha-256' or 'scram-sha-512'), produces one record and
// consumes it back in a group, then tries once more with a wrong password. Prints one JSON line with what happened.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, mechanism, username, password, topic, group] = process.argv.slice(2);
const client = (pass) => new Kafka({
  clientId: 'herald-kafkajs-sasl',
  brokers: [bootstrap],
  sasl: { mechanism, username, password: pass },
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
});

const kafka = client(password);
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: [{ key: 'k', value: `over ${mechanism}` }] });
await producer.disconnect();

const consumer = kafka.consumer({ groupId: group });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const received = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('nothing arrived')), 60000);
  consumer.run({ eachMessage: async ({ message }) => { clearTimeout(timer); resolve(message.value.toString()); } }).catch(reject);
});
await consumer.disconnect();

let wrongPassword = null;
const refused = client('not-the-password').producer();
try {
  await refused.connect();
  wrongPassword = { name: 'connected' };
} catch (error) {
  wrongPassword = { name: error.name, message: error.message };
}

console.log('RESULT ' + JSON.stringify({ received, wrongPassword }));
