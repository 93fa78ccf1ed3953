// ESLint rule `concordat/layering`: enforces the "may import" column of
// ../shared/handbook/architecture.md. Each source folder is a layer; an import is allowed
// only into the layers (and npm packages) listed for it. Modelled on VS Code's code-layering.
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Layers, most specific first. `internal`: folders it may import; `packages`: which npm packages. */
const layers = [
  { name: 'shared/contract', internal: ['shared/contract'], packages: (p) => p === 'zod' },
  // Pure, platform-free packages only (shared/domain runs in the renderer too): audited hashes and
  // encodings for wallet addresses, and the Markdown renderer with raw HTML off.
  {
    name: 'shared/domain',
    internal: ['shared/domain', 'shared/contract'],
    packages: (p) => p === '@noble/hashes' || p === '@scure/base' || p === 'markdown-it',
  },
  { name: 'electron/backend', internal: ['shared', 'electron/backend', 'resources'], packages: (p) => p !== 'electron' },
  { name: 'electron/main', internal: ['shared', 'electron/main', 'electron/backend/host.ts'], packages: () => true },
  {
    name: 'electron/preload',
    internal: ['electron/preload', 'shared/contract'],
    packages: (p) => p === 'electron',
    typeOnly: ['shared/contract'],
  },
  { name: 'electron/server', internal: ['shared', 'electron/backend', 'electron/server'], packages: (p) => p !== 'electron' },
  { name: 'electron/cli', internal: ['shared', 'electron/backend', 'electron/server', 'electron/cli'], packages: (p) => p !== 'electron' },
  { name: 'electron/scripts', internal: [], packages: (p) => p !== 'electron' },
  { name: 'renderer', internal: ['renderer', 'shared'], packages: (p) => p !== 'electron' && !builtins.has(p) },
];

const within = (rel, folder) => rel === folder || rel.startsWith(`${folder}/`);
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports must follow the layering of architecture.md' },
    schema: [],
    messages: {
      internal: '{{from}} may not import {{target}} (allowed: {{allowed}}). See architecture.md, "Folders".',
      pkg: '{{from}} may not import the package "{{target}}". See architecture.md, "Folders".',
      typeOnly: '{{from}} may import only types from {{target}}: use `import type`.',
    },
  },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const layer = layers.find((l) => within(file, l.name));
    if (!layer) return {};
    const check = (node, spec, isTypeOnly) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path
          .relative(root, path.resolve(path.dirname(context.filename), spec))
          .split(path.sep)
          .join('/');
        const targetWithExt = /\.[cm]?[jt]sx?$/.test(target) ? target : `${target}.ts`;
        const allowed = layer.internal.some((f) => within(target, f) || within(targetWithExt, f));
        if (!allowed) {
          context.report({
            node,
            messageId: 'internal',
            data: { from: layer.name, target, allowed: layer.internal.join(', ') || 'nothing of ours' },
          });
        } else if (!isTypeOnly && (layer.typeOnly ?? []).some((f) => within(target, f))) {
          context.report({ node, messageId: 'typeOnly', data: { from: layer.name, target } });
        }
        return;
      }
      const pkg = builtins.has(spec) ? spec : packageName(spec);
      if (!layer.packages(pkg)) context.report({ node, messageId: 'pkg', data: { from: layer.name, target: pkg } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node.source, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value, false),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node.arguments[0], node.arguments[0].value, false);
        }
      },
    };
  },
};
