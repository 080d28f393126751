// Baseline: the least a Node process can do — one node:http GET of the Rollout, printed as JSON.
// Usage: node baseline-http-get.mjs URL
import http from 'node:http';

http.get(process.argv[2], { headers: { Accept: 'application/json' } }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    process.stdout.write(`${JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')), null, 2)}\n`);
  });
});
