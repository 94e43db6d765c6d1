import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC exception filter turns every handler error into
 * `{ status: 'error', message: 'Internal server error' }`, which would hide from the
 * transport whether a failure is permanent (dead-letter now) or transient (retry). This
 * filter hands the original error back so the transport can decide.
 */
@Catch()
export class RethrowHandlerErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
