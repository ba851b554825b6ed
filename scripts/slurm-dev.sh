#!/usr/bin/env bash
# A one-node Slurm on this machine, for the slurm executor's integration tests
# (CI runs `up` before the tests) and for developers. Needs root and Debian's
# slurm-wlm + munge packages. What it does is ENVIRONMENT.md's "Slurm on one node":
# a munge key, munged as the munge user, a slurm.conf whose state, spool, log and
# pid files live under $SLURM_DEV_DIR, slurmctld, then slurmd; `up` returns once
# sinfo shows the node idle. Both commands are idempotent.
#
# Usage: scripts/slurm-dev.sh up|down|status
set -euo pipefail

STATE=${SLURM_DEV_DIR:-/tmp/slurm-dev}
CONF=/etc/slurm/slurm.conf
KEY=/etc/munge/munge.key
NODE=$(hostname -s)
PARTITION=debug

die() { echo "slurm-dev: $*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "run as root (munged, slurmctld and slurmd are started here)"
  for cmd in munged slurmctld slurmd sinfo; do
    command -v "$cmd" >/dev/null || die "$cmd is missing: apt-get install -y slurm-wlm munge"
  done
}

# pid of a running daemon whose pid file is $1, or nothing
running_pid() {
  local pid
  [ -f "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
  return 0
}

start_munge() {
  if [ ! -s "$KEY" ]; then
    mkdir -p "$(dirname "$KEY")"
    dd if=/dev/urandom bs=1 count=1024 of="$KEY" status=none
  fi
  chown munge:munge "$KEY"
  chmod 400 "$KEY"
  mkdir -p /run/munge
  chown munge:munge /run/munge
  if ! munge -n </dev/null >/dev/null 2>&1; then
    su -s /bin/sh munge -c /usr/sbin/munged
    for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && return 0; sleep 0.1; done
    die "munged did not start"
  fi
}

write_conf() {
  local mem
  # slurmd refuses a node that claims more memory than it has: stay a little under
  mem=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
  mkdir -p "$(dirname "$CONF")" "$STATE/state" "$STATE/spool"
  cat >"$CONF.new" <<EOF
# written by scripts/slurm-dev.sh (a one-node development Slurm)
ClusterName=fixmatch-dev
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
NodeName=$NODE CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.new" "$CONF"
}

node_state() {
  sinfo -h -n "$NODE" -o '%T' 2>/dev/null | head -n1
}

up() {
  need_root
  start_munge
  write_conf
  [ -n "$(running_pid "$STATE/slurmctld.pid")" ] || slurmctld
  for _ in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.1; done
  [ -n "$(running_pid "$STATE/slurmd.pid")" ] || slurmd
  local state=''
  for _ in $(seq 300); do
    state=$(node_state)
    case "$state" in
      idle | mixed | allocated) echo "slurm-dev: node $NODE is $state (partition $PARTITION)"; return 0 ;;
      down* | drain*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  die "node $NODE did not become idle (sinfo says '${state:-nothing}'); see $STATE/slurmctld.log and $STATE/slurmd.log"
}

down() {
  need_root
  local pid
  for daemon in slurmd slurmctld; do
    pid=$(running_pid "$STATE/$daemon.pid")
    if [ -n "$pid" ]; then
      kill "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
  done
  # the jobs' state goes too: the next `up` starts from job 1 with an empty queue
  rm -rf "$STATE"
  echo "slurm-dev: stopped (munged left running)"
}

status() {
  sinfo -h -o '%P %a %T %N' 2>/dev/null || { echo "slurm-dev: not running"; return 1; }
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: scripts/slurm-dev.sh up|down|status" ;;
esac
