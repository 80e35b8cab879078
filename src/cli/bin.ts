// The entry point of the sg-strategy command, bundled with the AWS SDK clients it uses into assets/cli/.
import { main } from './main';

void main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
