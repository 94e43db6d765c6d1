/**
 * Paths hit by Kubernetes probes and the Prometheus scraper every few seconds. They are
 * neither traced nor access-logged: they would drown the requests worth looking at.
 */
export const PROBE_PATHS: readonly string[] = ['/health/live', '/health/ready', '/metrics'];

export function isProbePath(url: string | undefined): boolean {
  return PROBE_PATHS.includes((url ?? '').split('?')[0] ?? '');
}
