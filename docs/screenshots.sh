#!/usr/bin/env bash
# Regenerates the README's screenshots: the real program in tmux against
# its sandbox, the panes captured with colours and rendered to PNG by
# charmbracelet/freeze (go install github.com/charmbracelet/freeze@v0.2.2).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs
bin=$(mktemp -d)/ssopick
go build -o "$bin" .
freeze=${FREEZE:-freeze}
sock=ssopick-shots-$$
home=$(mktemp -d)
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -rf "$home"' EXIT

shot() { # name: capture the pane and render it
  tm capture-pane -t 0 -p -e > "$home/$1.ansi"
  "$freeze" --language ansi --window --padding 20 --margin 0 --font.size 14 --theme dracula -o "$out/$1.png" < "$home/$1.ansi"
}
wait_for() { for _ in $(seq 100); do tm capture-pane -t 0 -p | grep -q "$1" && return; sleep 0.1; done; echo "no $1" >&2; exit 1; }

# The picker and the actions, in the demo.
tm new-session -d -x 110 -y 22 env -i HOME="$home" TERM=xterm-256color COLORTERM=truecolor PATH="$PATH" "$bin" demo
wait_for "of 126 roles"
tm send-keys -t 0 -l "prod adm"; sleep 0.5; shot picker
tm send-keys -t 0 Enter; wait_for "Open the AWS console"; shot actions
tm kill-server

# The sign-in screen: a sandbox that waits for approval.
"$bin" sandbox --addr 127.0.0.1:47999 > /dev/null & sandbox=$!
trap 'kill $sandbox 2>/dev/null; tm kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 0.5
tm new-session -d -x 90 -y 16 env -i HOME="$home" TERM=xterm-256color COLORTERM=truecolor PATH="$PATH" \
  AWS_ENDPOINT_URL_SSO_OIDC=http://127.0.0.1:47999 AWS_ENDPOINT_URL_SSO=http://127.0.0.1:47999 \
  "$bin" --start-url http://127.0.0.1:47999/start --sso-region us-east-1 --use-device-code --no-browser
wait_for "confirm the code"; shot signin
echo "wrote $out/picker.png $out/actions.png $out/signin.png"
