import * as zlib from 'zlib';

/** The language a CDK app is written in, among those this library is published for. */
export type Language = 'typescript' | 'python' | 'java';

/**
 * jsii's runtime for each language starts the Node process that runs the library with JSII_AGENT set to the
 * language and its version: `Python/3.11.7`, `Java/17.0.9`, `DotNet/8.0.1/...`, and for Go the Go version
 * (`go1.22.1/linux/amd64`). A Node app has none. aws-cdk-lib reads the same variable for its analytics
 * (`<agent>!jsii-runtime.Runtime`, `node.js/<version>` when unset). Sources: jsii's runtimes (python
 * `_kernel/providers/process.py`, go `runtime/client.go`, aws/jsii#325) and aws-cdk-lib `core/lib/private/runtime-info`.
 * Languages this library is not published for (.NET, Go) count as unknown.
 */
export function languageOfAgent(agent: string | undefined): Language | undefined {
  if (agent === undefined) return undefined;
  if (/^python\//i.test(agent)) return 'python';
  if (/^java\//i.test(agent)) return 'java';
  if (/^node\.js\//i.test(agent)) return 'typescript';
  return undefined;
}

/** The language of the app this process runs: jsii's host language, or TypeScript/JavaScript when there is none. */
export function hostLanguage(env: Record<string, string | undefined> = process.env): Language | undefined {
  return env.JSII_AGENT === undefined ? 'typescript' : languageOfAgent(env.JSII_AGENT);
}

/**
 * The language an assembly's app was written in, from the analytics CDK writes into each stack's
 * AWS::CDK::Metadata resource (on unless the app turns version reporting off): a gzip of a list that ends with
 * `<JSII_AGENT>!jsii-runtime.Runtime`. Undefined when no template has it.
 */
export function languageOfTemplates(templates: readonly { template: unknown }[]): Language | undefined {
  for (const { template } of templates) {
    const resources = (template as { Resources?: Record<string, any> } | null)?.Resources;
    for (const resource of Object.values(resources && typeof resources === 'object' ? resources : {})) {
      const analytics = resource?.Type === 'AWS::CDK::Metadata' ? resource?.Properties?.Analytics : undefined;
      const encoded = typeof analytics === 'string' ? /^v2:deflate64:(.+)$/.exec(analytics)?.[1] : undefined;
      if (!encoded) continue;
      try {
        const text = zlib.gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');
        const agent = /(?:^|,)([^,!]+)!jsii-runtime\.Runtime/.exec(text)?.[1];
        const language = languageOfAgent(agent);
        if (language) return language;
      } catch {
        // Analytics that cannot be read say nothing about the language.
      }
    }
  }
  return undefined;
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/**
 * A property, option or method name (written camelCase, as in TypeScript) as the language spells it. Where
 * the language is not known, both spellings: `adminPorts (Python: admin_ports)`.
 */
export function memberName(name: string, language: Language | undefined): string {
  if (language === 'python') return snakeCase(name);
  if (language !== undefined || snakeCase(name) === name) return name;
  return `${name} (Python: ${snakeCase(name)})`;
}

// --- Code in fix texts -----------------------------------------------------------------------------------

const IDENTIFIER = /\b([a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)\b/g;
const PROPERTY = /^([a-z][A-Za-z0-9]*): (.+)$/;

/** One span of TypeScript, as a TypeScript app's author would write it, in Python or Java. */
function codeIn(code: string, language: 'python' | 'java'): string {
  const property = PROPERTY.exec(code);
  if (language === 'java') {
    // A property is a builder call; module prefixes (`ec2.Port`) are how TypeScript imports, Java names the class;
    // a string is in double quotes.
    const java = (v: string) => v.replace(/'([^']*)'/g, '"$1"');
    return property ? `.${property[1]}(${java(property[2])})` : java(code.replace(/\b[a-z][a-z0-9]*\.(?=[A-Z])/g, ''));
  }
  const python = (v: string) => v.replace(IDENTIFIER, snakeCase).replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False');
  return property ? `${snakeCase(property[1])}=${python(property[2])}` : python(code);
}

/**
 * A text whose code is written in backticks as TypeScript (`allowAllOutbound: false`, `ServerClientPair.addServer`),
 * with that code in the app's language. Where the language is not known, the TypeScript and the Python forms.
 * Text outside backticks is left alone.
 */
export function inLanguage(text: string, language: Language | undefined): string {
  return text.replace(/`([^`]+)`/g, (_, code: string) => {
    if (language === 'typescript') return `\`${code}\``;
    if (language !== undefined) return `\`${codeIn(code, language)}\``;
    const python = codeIn(code, 'python');
    return python === code ? `\`${code}\`` : `\`${code}\` (Python: \`${python}\`)`;
  });
}
