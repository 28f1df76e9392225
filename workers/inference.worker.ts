/**
 * The inference worker's entry: exposes `api` to the page through Comlink (one of the two
 * files that import it; the page side is src/engine/bridge.ts). Errors cross as
 * EngineErrorInfo through the same `throw` handler the bridge registers, so the page gets
 * an EngineError with its kind, not a bare string.
 */
import * as Comlink from 'comlink';
import { api, setTransfer } from './api';
import { engineErrorThrowHandler } from './errors';

const comlinkThrow = Comlink.transferHandlers.get('throw');
if (comlinkThrow) Comlink.transferHandlers.set('throw', engineErrorThrowHandler(comlinkThrow.canHandle));

setTransfer((value, transfer) => Comlink.transfer(value, transfer));

Comlink.expose(api);
