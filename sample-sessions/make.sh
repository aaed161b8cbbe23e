#!/bin/sh
# Regenerates the bundled sample study from scripts/<id>.txt:
#   audio/<id>.*           six synthesized home visits (espeak-ng, sox, ffmpeg)
#   transcripts/<id>.txt   one line per turn with [start–end] times measured from the audio
#   study.toml, coders.toml, recordings.toml, queues/, supervisor/, codings/, journal/
#   keys/                  the fictional people's signing keys (examples/sample_identity.rs)
#
#   ./make.sh          everything
#   ./make.sh study    only the study files (keeps the audio), e.g. after the codebook changed
#
# Deterministic: the same scripts and tool versions give the same bytes. Needs espeak-ng, sox and
# ffmpeg only to regenerate; the app never runs them.
set -eu
cd "$(dirname "$0")"
python3 tools/build_study.py "${1:-all}"
# Fictional keys, public keys in coders.toml, founder in study.toml, signed journals.
cd .. && exec cargo run --quiet --example sample_identity -- sample-sessions
