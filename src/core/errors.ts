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
