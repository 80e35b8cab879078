/** An error shaped as the AWS SDK v3 throws it: the AWS error code is its name. */
export function awsError(name: string, message = `${name} happened`): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}
