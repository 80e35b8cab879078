// The entry point of the sg-strategy command, bundled with the AWS SDK clients it uses into assets/cli/.
import { main } from './main';

// The bundle carries its own copy of the SDK, so the SDK's notice about the Node versions its future
// releases will need is not the user's to act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

void main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
