#!/usr/bin/env bash
# Writes project.json, tsconfig.json and jest.config.js for one project (used once per project).
set -euo pipefail
root=$1 name=$2 kind=$3 tags=$4
mkdir -p "$root/src"
depth=$(echo "$root" | tr -cd '/' | wc -c); up=$(printf '../%.0s' $(seq 0 "$depth"))
if [ "$kind" = app ]; then
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "application",
  "tags": [$tags],
  "targets": {
    "build": { "executor": "nx:run-commands", "options": { "command": "node tools/build.mjs $root" }, "outputs": ["{workspaceRoot}/dist/$root"] },
    "serve": { "executor": "nx:run-commands", "dependsOn": ["build"], "options": { "command": "node tools/ensure-infra.mjs && node dist/$root/src/main.js" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "jest -c $root/jest.config.js" } },
    "lint": { "executor": "nx:run-commands", "options": { "command": "eslint $root --max-warnings=0" } },
    "typecheck": { "executor": "nx:run-commands", "options": { "command": "tsc -p $root/tsconfig.json" } }
  }
}
JSON
else
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "library",
  "tags": [$tags],
  "targets": {
    "test": { "executor": "nx:run-commands", "options": { "command": "jest -c $root/jest.config.js" } },
    "lint": { "executor": "nx:run-commands", "options": { "command": "eslint $root --max-warnings=0" } },
    "typecheck": { "executor": "nx:run-commands", "options": { "command": "tsc -p $root/tsconfig.json" } }
  }
}
JSON
fi
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "compilerOptions": { "noEmit": true },
  "include": ["**/*.ts"]
}
JSON
cat > "$root/jest.config.js" <<JS
module.exports = {
  ...require('${up}jest.preset.js'),
  displayName: '$name',
  rootDir: __dirname,
};
JS
