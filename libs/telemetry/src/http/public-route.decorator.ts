import { SetMetadata } from '@nestjs/common';

/**
 * Metadata key read by the HTTP edge's API-key guard (in @holdfast/platform). It lives here,
 * the lower of the two libs, because telemetry's own probes and scrape endpoint must be
 * reachable without a key while telemetry cannot know about the edge.
 */
export const PUBLIC_ROUTE = 'holdfast:public-route';

/** Marks a controller or handler as reachable without credentials. Use sparingly. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
