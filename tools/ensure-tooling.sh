#!/usr/bin/env bash
# Makes sure the tools the test suite needs beyond node_modules are on this machine, installing
# them from the machine's package sources when they are missing. Today one:
#
#   kustomize v4+ (k8s/ uses components), as `kubectl kustomize` (kubectl 1.21+) or `kustomize`:
#   tools/deploy renders k8s/overlays/* with it. The machine image ships it as the package
#   "kubectl"; Debian's own kubernetes-client (kubectl 1.20, kustomize v2) is too old to use.
#
# Prints what it found. A tool still missing is a warning (the tests that need it fail and say
# why); with --strict it is an error.
set -uo pipefail

strict=false
[ "${1:-}" = "--strict" ] && strict=true

kustomize_major() {
  local version=""
  if command -v kubectl >/dev/null 2>&1; then
    version=$(kubectl version --client --output=json 2>/dev/null |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).kustomizeVersion||"")}catch{console.log("")}})')
  fi
  if [ -z "$version" ] && command -v kustomize >/dev/null 2>&1; then
    version=$(kustomize version 2>/dev/null)
  fi
  echo "$version" | sed -n 's/^[^0-9]*\([0-9][0-9]*\)\..*/\1/p'
}

major=$(kustomize_major)
if [ -z "$major" ] || [ "$major" -lt 4 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tooling: kustomize v4+ not found; installing the kubectl package"
    apt-get install -y --no-install-recommends kubectl >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends kubectl >/dev/null 2>&1; } ||
      echo "ensure-tooling: apt-get could not install kubectl from this machine's package sources"
    major=$(kustomize_major)
  fi
fi

if [ -n "$major" ] && [ "$major" -ge 4 ]; then
  echo "ensure-tooling: kustomize v$major.x available (k8s/ renders)"
  exit 0
fi
echo "ensure-tooling: WARNING: no kustomize v4+ (kubectl 1.21+ or kustomize): the k8s/ tests in tools/deploy will fail." >&2
echo "ensure-tooling: install the \"kubectl\" package (kubectl 1.21 or later) or a kustomize v4+ binary." >&2
$strict && exit 1
exit 0
