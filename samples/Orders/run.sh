#!/usr/bin/env bash
# Runs the Orders sample's three services against a `herald serve` you started, until Ctrl-C.
#
#   samples/Orders/run.sh [--bootstrap HOST:PORT] [--data DIR] [--http HOST:PORT] [--saga-timeout 30s]
#                         [--max-backlog ROWS] [--fail] [--postgres CONNECTION]
#
#   --data DIR       where orders.db, payments.db and inventory.db live (default: samples/Orders/data)
#   --fail           the inventory service fails every reservation (watch the saga compensate)
#   --postgres CONN  the payment service keeps payments, inbox and outbox in PostgreSQL instead of SQLite
#   --max-backlog N  the order service answers 503 once N events wait in its outbox (default: keep buffering)
#
# Each service's output is prefixed with its name. Ctrl-C stops all three.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
bootstrap="127.0.0.1:9092"
data="$root/samples/Orders/data"
order_args=()
payment_args=()
inventory_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bootstrap) bootstrap="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --http|--saga-timeout|--max-backlog) order_args+=("$1" "$2"); shift 2 ;;
    --fail) inventory_args+=("--fail"); shift ;;
    --postgres) payment_args+=("--postgres" "$2"); shift 2 ;;
    *) echo "error: unknown option '$1' (see the top of $0)" >&2; exit 2 ;;
  esac
done

mkdir -p "$data"
# Build once, then run the apphosts directly: `dotnet run` three times at once would build three times, and
# stopping it would not always stop the service it started.
for service in OrderService PaymentService InventoryService; do
  dotnet build "$root/samples/Orders/Orders.$service" -v q -nologo >/dev/null
done
bin() { echo "$root/samples/Orders/Orders.$1/bin/Debug/net10.0/Orders.$1"; }

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

if [[ ${#payment_args[@]} -eq 0 ]]; then payment_args=(--db "$data/payments.db"); fi

"$(bin OrderService)" --bootstrap "$bootstrap" --db "$data/orders.db" "${order_args[@]}" > >(sed -u 's/^/[order]     /') 2>&1 &
pids+=($!)
"$(bin PaymentService)" --bootstrap "$bootstrap" "${payment_args[@]}" > >(sed -u 's/^/[payment]   /') 2>&1 &
pids+=($!)
"$(bin InventoryService)" --bootstrap "$bootstrap" --db "$data/inventory.db" "${inventory_args[@]}" > >(sed -u 's/^/[inventory] /') 2>&1 &
pids+=($!)

wait
