import { UserError } from '../../util/errors.js';

/**
 * Fail a command whose work needs a part relaypool does not have yet. It exits 1 with a line
 * saying so: a command must never pretend to have done its work.
 */
export function notAvailableYet(command: string, needs: string): never {
  throw new UserError(`\`${command}\` is not available yet: it needs ${needs}, which this version of relaypool does not have`);
}
