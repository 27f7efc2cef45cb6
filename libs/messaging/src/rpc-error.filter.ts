import {
  applyDecorators,
  Catch,
  Controller,
  UseFilters,
  type ArgumentsHost,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter replaces every unknown error with "Internal server error", which would hide
 * a PermanentError from the ack policy. This filter hands the original error back to AmqpServer.
 */
@Catch()
export class RpcErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Marks a class of `@EventPattern` handlers. Its errors reach AmqpServer as thrown (a PermanentError is
 * parked at once, with its reason). The filter is bound here, on the class: a global filter cannot be, as
 * Nest initializes a connected microservice before it could be registered.
 */
export function MessageConsumer(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(new RpcErrorPassthroughFilter()));
}
