import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

// aws-cdk-lib marks its ValidationError constructor @internal, and its signature has changed between
// releases. We throw our own, branded with the same well-known symbols, so `Errors.isValidationError`
// recognises it and the message and `constructPath` name the construct at fault.
const CONSTRUCT_ERROR = Symbol.for('@aws-cdk/core.SynthesisError');
const VALIDATION_ERROR = Symbol.for('@aws-cdk/core.ValidationError');

/**
 * Throw this for bad input. The message starts with the construct path so a user knows where to look.
 */
export function validationError(scope: IConstruct, message: string): Error {
  const path = scope.node.path || '<root>';
  const error = new Error(`${path}: ${message}`);
  error.name = 'ValidationError';
  Object.defineProperty(error, CONSTRUCT_ERROR, { value: true });
  Object.defineProperty(error, VALIDATION_ERROR, { value: true });
  Object.defineProperty(error, 'constructPath', { value: path });
  return error;
}

/** Throws unless each port is a whole number from `lowest` to 65535 (tokens pass: they are known at deploy). */
export function checkPorts(scope: IConstruct, name: string, ports: readonly number[], lowest: number): void {
  for (const port of ports) {
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < lowest || port > 65535)) {
      throw validationError(scope, `${name} holds ${port}, which is not a port (${lowest}-65535).`);
    }
  }
}
