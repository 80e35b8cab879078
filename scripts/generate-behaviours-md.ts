import * as fs from 'fs';
import * as path from 'path';
import { awsBehavioursMarkdown } from '../src/model/aws-behaviours-markdown';

fs.writeFileSync(path.join(__dirname, '..', 'AWS-BEHAVIOURS.md'), awsBehavioursMarkdown());
