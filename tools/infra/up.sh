#!/usr/bin/env bash
# Installs and starts what CPPO Hub needs on a development or CI machine. Idempotent: run it at the start
# of every session. `up.sh` does everything; `up.sh rabbitmq` or `up.sh ferretdb` does one part.
#   RabbitMQ: Debian's rabbitmq-server, started detached if it is not answering on 127.0.0.1:5672.
#   FerretDB: built from its Go module into ${CPPO_TOOLS_DIR:-~/.cache/cppo-hub}/bin/ferretdb if absent
#             (the Mongo provider of the tests and `npm start` finds it there).
#   fuzzer:   schemathesis (PyPI, pinned) in a virtualenv at ${CPPO_TOOLS_DIR}/venv, for `npm run fuzz`.
#   browser:  the console test's Debian packages: chromium (Playwright's own download cannot run here), and
#             nginx-light + gettext-base (envsubst) to run the console container's nginx configuration.
#   deploy:   what the deployment tests (tools/deploy) need, all offline once installed: helm (built from
#             its Go module, about three minutes the first time), compose-check (tools/deploy/compose-check:
#             compose-go, what `docker compose config` uses), kubernetes-validate (PyPI: Kubernetes JSON
#             schemas) in ${CPPO_TOOLS_DIR}/deploy-venv, and the CRDs of KEDA and the Prometheus Operator
#             from their Go modules into ${CPPO_TOOLS_DIR}/crds.
#   aws-models: AWS's service models of the Marketplace Catalog, Agreement, Entitlement and Metering APIs
#             and STS, from botocore's wheel (PyPI, pinned, sha256 checked), into
#             ${CPPO_TOOLS_DIR}/aws-models/botocore-<version>/<service>/service-2.json.gz (the simulator's
#             model conformance check reads them; see tools/marketplace-sim/README.md).
set -euo pipefail

FERRETDB_VERSION=v1.24.2
SCHEMATHESIS_VERSION=4.32.5
HELM_VERSION=v3.22.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KEDA_VERSION=v2.16.1
PROMETHEUS_OPERATOR_VERSION=v0.85.0
# AWS's published service models (botocore's JSON), the second oracle the simulator's answers and the
# services' requests are checked against; the wheel's sha256 is pinned too.
BOTOCORE_VERSION=1.44.5
BOTOCORE_SHA256=8f16a56d1dff125dd65322ae021efa7ba5195a6db5102b96862566055b748921
# Bump the suffix whenever the build below changes: machines with an older build rebuild.
FERRETDB_BUILD="$FERRETDB_VERSION+id-index"
TOOLS_DIR="${CPPO_TOOLS_DIR:-$HOME/.cache/cppo-hub}"
what="${1:-all}"

log() { printf '[infra] %s\n' "$*"; }

rabbit_answers() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

up_rabbitmq() {
  if rabbit_answers; then log "RabbitMQ answers on 127.0.0.1:5672"; return; fi
  if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    log "installing rabbitmq-server (Debian package)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  export PATH="$PATH:/usr/sbin"
  # The Debian package may start it as a service; otherwise start it detached.
  for _ in $(seq 1 10); do rabbit_answers && break; sleep 0.5; done
  if ! rabbit_answers; then
    log "starting RabbitMQ"
    as_root rabbitmq-server -detached
  fi
  # `-detached` returns before the node has even registered with epmd, so `rabbitmqctl await_startup`
  # run at once fails with "node not running at all" (exit 69). The AMQP listener opens only once the
  # node has booted: wait for it instead, up to two minutes.
  for _ in $(seq 1 240); do rabbit_answers && break; sleep 0.5; done
  rabbit_answers || { log "RabbitMQ did not start within 120 s; see /var/log/rabbitmq/"; exit 1; }
  log "RabbitMQ started on 127.0.0.1:5672"
}

up_ferretdb() {
  local bin="$TOOLS_DIR/bin/ferretdb" stamp="$TOOLS_DIR/bin/ferretdb.build"
  if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1 && [ "$(cat "$stamp" 2>/dev/null)" = "$FERRETDB_BUILD" ]; then
    log "FerretDB at $bin ($FERRETDB_BUILD)"; return
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not installed: no FerretDB; tests fall back to mongodb-memory-server (needs internet) or MONGO_URL"
    return
  fi
  log "building FerretDB $FERRETDB_VERSION from its Go module (first time: a few minutes)"
  # `go install` builds a binary that panics on start: the module ships without build/version/version.txt.
  # So: fetch the module, write that file in a copy, and build the copy.
  local src work
  src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { log "could not download the FerretDB module"; exit 1; }
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  # FerretDB 1.24's SQLite backend looks documents up by `_ferretdb_sjson->'$._id'` while its unique _id
  # index is on `_ferretdb_sjson->"_id"`: SQLite matches index expressions by their text, so every find,
  # update and delete by _id scanned the whole table (62 ms per update at 6,000 documents here). Spelling
  # the lookup like the index makes them index searches. Same JSON path, same results.
  local meta="$work/internal/backends/sqlite/metadata/metadata.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \`->\"_id\"\`|" "$meta"
  grep -q 'IDColumn = DefaultColumn + `->"_id"`' "$meta" || { log "could not patch $meta"; exit 1; }
  mkdir -p "$TOOLS_DIR/bin"
  (cd "$work" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
  mv "$bin.tmp" "$bin"
  echo "$FERRETDB_BUILD" > "$stamp"
  rm -rf "$work"
  log "FerretDB built: $("$bin" --version | head -1)"
}

# Debian's python3-venv (virtualenvs with pip). Installed before `all` starts the deploy tools in the
# background: two apt-get runs at once fight over dpkg's lock, and a venv made while the package is half
# installed has no pip.
python_venv() {
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    log "installing python3-venv (Debian package)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
}

up_fuzzer() {
  local venv="$TOOLS_DIR/venv"
  if "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    log "schemathesis $SCHEMATHESIS_VERSION at $venv/bin/schemathesis"; return
  fi
  python_venv
  log "installing schemathesis $SCHEMATHESIS_VERSION into $venv (PyPI; about a minute the first time)"
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  log "schemathesis installed: $("$venv/bin/schemathesis" --version)"
}

up_aws_models() {
  local dir="$TOOLS_DIR/aws-models/botocore-$BOTOCORE_VERSION"
  if [ -f "$dir/complete" ]; then log "AWS service models at $dir"; return; fi
  up_fuzzer # its virtualenv's pip downloads the wheel (Debian's python3 may have no pip)
  local tmp; tmp=$(mktemp -d)
  log "downloading botocore $BOTOCORE_VERSION (PyPI) for AWS's service models"
  "$TOOLS_DIR/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    "botocore==$BOTOCORE_VERSION" -d "$tmp"
  local wheel="$tmp/botocore-$BOTOCORE_VERSION-py3-none-any.whl"
  echo "$BOTOCORE_SHA256  $wheel" | sha256sum -c --quiet - || { log "botocore wheel: sha256 mismatch"; exit 1; }
  mkdir -p "$dir"
  python3 - "$wheel" "$dir" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
services = ['marketplace-catalog', 'marketplace-agreement', 'marketplace-entitlement', 'meteringmarketplace', 'sts']
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        parts = name.split('/')
        if len(parts) == 5 and parts[1] == 'data' and parts[2] in services and parts[4] == 'service-2.json.gz':
            os.makedirs(os.path.join(out, parts[2]), exist_ok=True)
            with open(os.path.join(out, parts[2], 'service-2.json.gz'), 'wb') as f:
                f.write(z.read(name))
missing = [s for s in services if not os.path.exists(os.path.join(out, s, 'service-2.json.gz'))]
if missing: sys.exit('botocore wheel lacks ' + ', '.join(missing))
PY
  echo "botocore $BOTOCORE_VERSION" > "$dir/complete"
  rm -rf "$tmp"
  log "AWS service models installed at $dir"
}

# The Go module's directory (downloaded into the module cache if needed).
go_module_dir() {
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}

up_deploy() {
  local bin="$TOOLS_DIR/bin" venv="$TOOLS_DIR/deploy-venv" crds="$TOOLS_DIR/crds"
  local stamp="$bin/deploy-tools.version"
  local want="helm $HELM_VERSION, kubernetes-validate $KUBERNETES_VALIDATE_VERSION, KEDA $KEDA_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION"
  local here; here="$(cd "$(dirname "$0")/../.." && pwd)"
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not installed: no helm or compose-check; install Go (Debian: golang) and run this again"; exit 1
  fi
  mkdir -p "$bin" "$crds"
  # compose-check is ours and small: rebuilt every time (a few seconds once its modules are cached)
  (cd "$here/tools/deploy/compose-check" && go build -trimpath -o "$bin/compose-check" .)
  if [ -x "$bin/helm" ] && [ -x "$venv/bin/pip" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "deploy tools at $bin ($want)"; return
  fi
  log "building helm $HELM_VERSION from its Go module (about three minutes the first time)"
  GOBIN="$bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  python_venv
  # --clear: a venv left without pip by an interrupted run is made anew
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  local keda prom
  keda=$(go_module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")
  prom=$(go_module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")
  cp "$keda/config/crd/bases/keda.sh_scaledobjects.yaml" "$keda/config/crd/bases/keda.sh_triggerauthentications.yaml" "$crds/"
  cp "$prom/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" "$crds/"
  chmod u+w "$crds"/*.yaml
  echo "$want" > "$stamp"
  log "deploy tools installed: $want"
}

up_browser() {
  if command -v chromium >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 && command -v envsubst >/dev/null 2>&1; then
    log "chromium, nginx, envsubst present"; return
  fi
  log "installing chromium, nginx-light, gettext-base (Debian packages)"
  local packages=(chromium nginx-light gettext-base)
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null \
    || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null; }
  # the package starts a default site on :80 where it can: the tests run their own nginx
  as_root pkill -x nginx 2>/dev/null || true
  log "installed: $(chromium --version 2>/dev/null | head -1), $(nginx -v 2>&1)"
}

case "$what" in
  all)
    # helm's build (minutes of CPU) overlaps the package downloads and installs of the other steps
    deploy_log=$(mktemp)
    python_venv
    up_deploy >"$deploy_log" 2>&1 &
    deploy_pid=$!
    up_rabbitmq; up_ferretdb; up_fuzzer; up_aws_models; up_browser
    if ! wait "$deploy_pid"; then cat "$deploy_log"; log "deploy tools: failed"; exit 1; fi
    grep '^\[infra\]' "$deploy_log" || true
    rm -f "$deploy_log"
    ;;
  rabbitmq) up_rabbitmq ;;
  ferretdb) up_ferretdb ;;
  fuzzer) up_fuzzer ;;
  deploy) up_deploy ;;
  browser) up_browser ;;
  aws-models) up_aws_models ;;
  *) echo "usage: $0 [all|rabbitmq|ferretdb|fuzzer|deploy|browser|aws-models]" >&2; exit 2 ;;
esac
