import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const port = z.coerce.number().int().min(0).max(65_535);
const milliseconds = z.coerce.number().min(0);
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/**
 * Every setting, from the environment, validated at start. SIM_* are shared with the other test
 * doubles (time scale, seed, scenario); SPAPI_SIM_* are this simulator's own.
 */
const environmentSchema = z.object({
  SPAPI_SIM_HOST: z.string().default('127.0.0.1'),
  SPAPI_SIM_PORT: port.default(8443),
  SPAPI_SIM_CONTROL_HOST: z.string().default('127.0.0.1'),
  SPAPI_SIM_CONTROL_PORT: port.default(8444),
  SPAPI_SIM_PUBLIC_URL: optionalText,
  SPAPI_SIM_TLS_CERT: optionalText,
  SPAPI_SIM_TLS_KEY: optionalText,
  SPAPI_SIM_CA_OUT: optionalText,
  SPAPI_SIM_TLS_NAMES: optionalText,
  SIM_TIME_SCALE: z.coerce.number().positive().default(1),
  SIM_SEED: z.coerce.number().int().default(1),
  SIM_SCENARIO: optionalText,
  SPAPI_MODELS_DIR: optionalText,
  SPAPI_SIM_REGION: z.literal('eu').default('eu'),
  SPAPI_SIM_DEFAULT_SELLER_ID: z.string().min(1).default('A2SIMSELLER0001'),
  SPAPI_SIM_ACCEPT_ANY_REFRESH_TOKEN: booleanFlag.default(true),
  SPAPI_SIM_LWA_CLIENT_ID: optionalText,
  SPAPI_SIM_LWA_CLIENT_SECRET: optionalText,
  SPAPI_SIM_ACCESS_TOKEN_TTL_S: z.coerce.number().int().positive().default(3600),
  SPAPI_SIM_DATA_LAG_MS: milliseconds.default(120_000),
  SPAPI_SIM_PATCH_APPLY_DELAY_MS: milliseconds.default(15_000),
  SPAPI_SIM_FEED_QUEUE_DELAY_MS: milliseconds.default(10_000),
  SPAPI_SIM_FEED_PROCESSING_DELAY_MS: milliseconds.default(30_000),
  SPAPI_SIM_DOCUMENT_URL_TTL_MS: milliseconds.default(300_000),
  SPAPI_SIM_PAGINATION_TOKEN_TTL_MS: milliseconds.default(86_400_000),
  SPAPI_SIM_REPORT_GZIP: z.enum(['auto', 'always', 'never']).default('auto'),
  SPAPI_SIM_RESPONSE_VALIDATION: z.enum(['off', 'warn', 'enforce']).default('warn'),
  SPAPI_SIM_CARRIERS: optionalText,
  SPAPI_SIM_AUTO_CREATE_LISTINGS: booleanFlag.default(true),
});

export interface SimulatorConfig {
  host: string;
  port: number;
  controlHost: string;
  controlPort: number;
  /** Origin written into document URLs; defaults to https://<host>:<actual port>. */
  publicUrl?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Where to write the generated certificate (PEM), for clients to trust it. */
  caOutFile?: string;
  /** Extra host names / IPs the generated certificate names (how other machines reach it). */
  tlsNames: string[];
  timeScale: number;
  seed: number;
  scenarioFile?: string;
  modelsDir?: string;
  region: 'eu';
  defaultSellerId: string;
  acceptUnknownRefreshTokens: boolean;
  lwaClientId?: string;
  lwaClientSecret?: string;
  accessTokenTtlSeconds: number;
  /** Amazon-time durations (divided by timeScale when used). */
  delays: {
    /** Orders appear in searches this long after they change (the "2-minute rule"). */
    dataLagMs: number;
    patchApplyMs: number;
    feedQueueMs: number;
    feedProcessingMs: number;
    documentUrlTtlMs: number;
    paginationTokenTtlMs: number;
  };
  reportCompression: 'auto' | 'always' | 'never';
  responseValidation: 'off' | 'warn' | 'enforce';
  carrierCodes?: string[];
  autoCreateListings: boolean;
}

export function loadSimulatorConfig(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`invalid simulator configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    host: e.SPAPI_SIM_HOST,
    port: e.SPAPI_SIM_PORT,
    controlHost: e.SPAPI_SIM_CONTROL_HOST,
    controlPort: e.SPAPI_SIM_CONTROL_PORT,
    publicUrl: e.SPAPI_SIM_PUBLIC_URL,
    tlsCertFile: e.SPAPI_SIM_TLS_CERT,
    tlsKeyFile: e.SPAPI_SIM_TLS_KEY,
    caOutFile: e.SPAPI_SIM_CA_OUT,
    tlsNames: commaList(e.SPAPI_SIM_TLS_NAMES) ?? [],
    timeScale: e.SIM_TIME_SCALE,
    seed: e.SIM_SEED,
    scenarioFile: e.SIM_SCENARIO,
    modelsDir: e.SPAPI_MODELS_DIR,
    region: e.SPAPI_SIM_REGION,
    defaultSellerId: e.SPAPI_SIM_DEFAULT_SELLER_ID,
    acceptUnknownRefreshTokens: e.SPAPI_SIM_ACCEPT_ANY_REFRESH_TOKEN,
    lwaClientId: e.SPAPI_SIM_LWA_CLIENT_ID,
    lwaClientSecret: e.SPAPI_SIM_LWA_CLIENT_SECRET,
    accessTokenTtlSeconds: e.SPAPI_SIM_ACCESS_TOKEN_TTL_S,
    delays: {
      dataLagMs: e.SPAPI_SIM_DATA_LAG_MS,
      patchApplyMs: e.SPAPI_SIM_PATCH_APPLY_DELAY_MS,
      feedQueueMs: e.SPAPI_SIM_FEED_QUEUE_DELAY_MS,
      feedProcessingMs: e.SPAPI_SIM_FEED_PROCESSING_DELAY_MS,
      documentUrlTtlMs: e.SPAPI_SIM_DOCUMENT_URL_TTL_MS,
      paginationTokenTtlMs: e.SPAPI_SIM_PAGINATION_TOKEN_TTL_MS,
    },
    reportCompression: e.SPAPI_SIM_REPORT_GZIP,
    responseValidation: e.SPAPI_SIM_RESPONSE_VALIDATION,
    carrierCodes: commaList(e.SPAPI_SIM_CARRIERS),
    autoCreateListings: e.SPAPI_SIM_AUTO_CREATE_LISTINGS,
  };
}

function commaList(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The defaults, with overrides; for tests and embedding. */
export function simulatorConfig(
  overrides: Partial<Omit<SimulatorConfig, 'delays'>> & { delays?: Partial<SimulatorConfig['delays']> } = {},
): SimulatorConfig {
  const defaults = loadSimulatorConfig({});
  return { ...defaults, ...overrides, delays: { ...defaults.delays, ...overrides.delays } };
}
