#!/usr/bin/env node
// Prints the SHA-256 of an API key, the form in which API_KEYS holds it, so operators can
// configure a key without the key itself ever being stored in configuration.
//
//   node tools/hash-api-key.mjs                 generate a new random key, print it and its hash
//   node tools/hash-api-key.mjs --stdin         hash the key read from stdin (keeps it out of shell history)
//   node tools/hash-api-key.mjs <key>           hash <key>
//
// Then add an entry to API_KEYS (entries separated by ';'):
//   <name>:<scope1>,<scope2>:<sha256-hex>[:accounts=<account1>|<account2>]
import { createHash, randomBytes } from 'node:crypto';

const sha256 = (key) => createHash('sha256').update(key, 'utf8').digest('hex');

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const [arg] = process.argv.slice(2);
if (arg === '--help' || arg === '-h') {
  console.log('usage: node tools/hash-api-key.mjs [--stdin | <key>]');
} else if (arg === undefined) {
  // 32 random bytes: far beyond brute force, which is why a plain SHA-256 is enough.
  const key = `hf_${randomBytes(32).toString('base64url')}`;
  console.log(`key:    ${key}`);
  console.log(`sha256: ${sha256(key)}`);
  console.log(`entry:  <name>:<scope1>,<scope2>:${sha256(key)}`);
} else {
  const key = arg === '--stdin' ? await readStdin() : arg;
  if (!key) {
    console.error('empty key');
    process.exit(1);
  }
  console.log(sha256(key));
}
