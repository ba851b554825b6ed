// ESLint flat config: the recommended rule sets of ESLint, typescript-eslint and eslint-plugin-vue.
// Formatting is not linted (no layout rules); the walls between the parts are checked by
// dependency-cruiser (.dependency-cruiser*.cjs), which resolves every import to its file.
import { defineConfig } from 'eslint/config'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

export default defineConfig(
  { ignores: ['out/', 'dist/', 'generated/', 'test-artifacts/', '.fixmatch-lab/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  // layout is the formatter's business, not the linter's
  pluginVue.configs['no-layout-rules'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    files: ['src/renderer/**/*', 'test/unit/renderer/**/*'],
    languageOptions: { globals: globals.browser }
  },
  {
    files: ['src/main/**/*', 'src/cli/**/*', 'src/preload/**/*', 'bin/**/*', 'scripts/**/*', 'bench/**/*', 'test/**/*', '*.config.*', '*.cjs'],
    ignores: ['test/unit/renderer/**/*'],
    languageOptions: { globals: globals.node }
  },
  {
    // CommonJS files (dependency-cruiser's configs) have no other way to import
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    rules: {
      // `_name` marks a parameter an interface requires but this implementation does not use
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  }
)
