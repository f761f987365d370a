const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');
const g = new PluginMetadataGenerator();
g.generate({
  visitors: [new ReadonlyVisitor({ introspectComments: true, pathToSource: '/work/main/src/web', classValidatorShim: false, dtoFileNameSuffix: ['.dto.ts'], controllerFileNameSuffix: ['.controller.ts'] })],
  outputDir: '/tmp/meta', filename: 'metadata.ts', tsconfigPath: 'tsconfig.build.json', printDiagnostics: false,
});
