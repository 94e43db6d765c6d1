import pino from 'pino';
import { loadSimulatorConfig } from './config/simulator-config';
import { startSimulator, type RunningSimulator } from './simulator';

/** Starts the SP-API simulator: HTTPS for the SP-API side, plain HTTP for the control API. */
async function main(): Promise<void> {
  const logger = pino({ name: 'sp-api-simulator', level: process.env['LOG_LEVEL'] ?? 'info' });
  const config = loadSimulatorConfig();

  // Handlers go in before anything is announced: a signal that arrives before Node has a listener
  // kills the process without closing the servers.
  const running: { simulator?: RunningSimulator } = {};
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while closing means "now".
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping the SP-API simulator');
    (running.simulator ? running.simulator.close() : Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const simulator = await startSimulator({ config, logger });
  running.simulator = simulator;
  if (stopping) {
    await simulator.close();
    return;
  }
  logger.info(
    {
      spApiUrl: simulator.spApiUrl,
      controlUrl: simulator.controlUrl,
      timeScale: config.timeScale,
      seed: config.seed,
    },
    `SP-API simulator ready: SP-API ${simulator.spApiUrl} , control API ${simulator.controlUrl}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
