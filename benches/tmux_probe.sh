# Sourced by the benchmark scripts: runs one command in a private detached
# tmux session and waits for it to exit.
#
#   tmux_probe SOCKET TIMEOUT_SECONDS SHELL_COMMAND
tmux_probe() {
  local sock=$1 timeout=$2 cmd=$3
  tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 "$cmd"
  local start=$SECONDS
  while tmux -L "$sock" has-session 2>/dev/null; do
    if (( SECONDS - start > timeout )); then echo "timed out" >&2; exit 1; fi
    sleep 0.02
  done
}
