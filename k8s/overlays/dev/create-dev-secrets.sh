#!/usr/bin/env bash
# Creates the Secrets k8s/overlays/dev refers to, in namespace holdfast-dev (or $NAMESPACE), with
# random passwords. Nothing secret is in the repository or in a manifest: this script generates it
# in the cluster. Secrets that already exist are kept (delete one to regenerate it); the URLs are
# always built from the passwords in the cluster. Prints the development API key once.
#
#   ./k8s/overlays/dev/create-dev-secrets.sh && kubectl apply -k k8s/overlays/dev
set -euo pipefail
ns=${NAMESPACE:-holdfast-dev}
scopes=stock:read,stock:write,availability:read,availability:write,orders:read,orders:write,orders:pii,shipments:read,shipments:write,accounts:read,accounts:write,listings:read,listings:write

random_hex() { node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('hex'))"; }
sha256_hex() { node -e "process.stdout.write(require('node:crypto').createHash('sha256').update(process.argv[1]).digest('hex'))" "$1"; }
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
read_key() { kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }
# Values go through files, never through the command line (process lists, shell history).
create() {
  local name=$1 dir
  shift
  if exists "$name"; then echo "secret/$name kept"; return; fi
  dir=$(mktemp -d)
  while [ $# -gt 0 ]; do printf '%s' "$2" >"$dir/$1"; shift 2; done
  kubectl -n "$ns" create secret generic "$name" --from-file="$dir"
  rm -rf "$dir"
}

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"

create holdfast-dev-postgres password "$(random_hex)"
create holdfast-dev-rabbitmq username holdfast password "$(random_hex)"
postgres_password=$(read_key holdfast-dev-postgres password)
rabbitmq_user=$(read_key holdfast-dev-rabbitmq username)
rabbitmq_password=$(read_key holdfast-dev-rabbitmq password)

for service in order-ingest inventory-reservation availability-publisher shipment-notifier; do
  create "$service-database" url "postgres://postgres:$postgres_password@postgres:5432/postgres"
done
create holdfast-amqp url "amqp://$rabbitmq_user:$rabbitmq_password@rabbitmq:5672"

if ! exists holdfast-api-keys; then
  api_key=$(random_hex)
  create holdfast-api-keys api-keys "dev:$scopes:$(sha256_hex "$api_key")"
  echo "development API key (shown once): $api_key"
fi

# The simulator accepts any LWA credentials; these stand where real ones go (docs/operations.md).
create holdfast-amazon-credentials \
  amazon-eu-demo.refresh-token simulator-refresh-token \
  amazon-eu-demo.client-id simulator-client-id \
  amazon-eu-demo.client-secret simulator-client-secret
