// `npm run analyze`: custom-elements.json from the elements' TypeScript and their class JSDoc
// (@fires, @csspart, @cssproperty, @slot). It feeds Storybook's controls, IDEs and docs/elements.md.

/** Our define modules call `defineElement(tag, Class)`, which the analyzer does not know: link the tag to the class. */
function defineElementCalls() {
  return {
    name: 'transformer-xray: defineElement',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || node.expression.getText() !== 'defineElement') return;
      const [tag, element] = node.arguments;
      if (!ts.isStringLiteral(tag) || !ts.isIdentifier(element)) return;
      const source = node.getSourceFile().statements.find((s) => ts.isImportDeclaration(s) && s.importClause?.namedBindings?.elements?.some((e) => e.name.text === element.text));
      const module = source ? new URL(source.moduleSpecifier.text, `file:///${moduleDoc.path}`).pathname.slice(1) : moduleDoc.path;
      moduleDoc.exports = [...(moduleDoc.exports ?? []), { kind: 'custom-element-definition', name: tag.text, declaration: { name: element.text, module: module.replace(/\.js$/, '.ts') } }];
    },
  };
}

/**
 * The manifest describes the elements: keep classes and tag definitions (render helpers go), with paths
 * as the published package has them (dist/…/*.js), not the TypeScript sources it does not ship.
 */
function elementsAsPublished() {
  const published = (path) => `dist/${path.replace(/\.ts$/, '.js')}`;
  return {
    name: 'transformer-xray: elements as published',
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules;
      for (const module of modules) {
        module.declarations = (module.declarations ?? []).filter((d) => d.kind === 'class');
        const classes = new Set(module.declarations.map((d) => d.name));
        module.exports = (module.exports ?? []).filter((e) => e.kind === 'custom-element-definition' || classes.has(e.declaration?.name));
        module.path = published(module.path);
        const items = [...module.exports, ...module.declarations];
        const refs = items.flatMap((item) => [item.declaration, item.superclass, ...['members', 'attributes', 'events'].flatMap((key) => (item[key] ?? []).map((m) => m.inheritedFrom))]);
        for (const ref of refs) if (ref?.module) ref.module = published(ref.module);
      }
      customElementsManifest.modules = modules.filter((m) => m.declarations.length || m.exports.length);
    },
  };
}

export default {
  globs: ['components/**/*.ts'],
  // The figure base class stays in: its attributes (model, device, group, …) are every figure's.
  exclude: ['components/bundle.ts', 'components/index.ts', 'components/shared/!(xray-figure).ts'],
  outdir: '.',
  litelement: true,
  // package.json's "customElements" field is written by hand, not on every build.
  packagejson: false,
  plugins: [defineElementCalls(), elementsAsPublished()],
};
