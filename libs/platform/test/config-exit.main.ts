// A process entry point that loads its configuration the way a service's main.ts does.
import { z } from 'zod';
import { apiKeysVariable, databaseUrl, httpPort } from '../src/config/config-variables';
import { loadConfigOrExit } from '../src/config/load-config';

const config = loadConfigOrExit(
  z.object({ DATABASE_URL: databaseUrl(), HTTP_PORT: httpPort(3000), API_KEYS: apiKeysVariable() }),
);
process.stdout.write(`${JSON.stringify({ port: config.HTTP_PORT, keys: config.API_KEYS.length })}\n`);
