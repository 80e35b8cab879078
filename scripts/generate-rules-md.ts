import * as fs from 'fs';
import * as path from 'path';
import { rulesMarkdown } from '../src/rules/rules-markdown';

fs.writeFileSync(path.join(__dirname, '..', 'RULES.md'), rulesMarkdown());
