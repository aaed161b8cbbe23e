#!/usr/bin/env bash
# Makes the five files of BENCHMARKS.md's overview table (issue #16) in the folder given
# (default ./overview-files; never commit them): an 84 s speech-like loop of eight espeak-ng turns
# (five voices; three turns of the parent ~6 dB quieter, pauses of 1–4 s) and a 12 s silence, repeated to
# length, then encoded as in the table. Needs espeak-ng, sox and ffmpeg (with libmp3lame and
# libvorbis). Then, per file:
#   ./target/release/tapecoder bench audio --file F --format json
# (a release build with `--features bench`; the JSON has overview_ms and ffmpeg_ms).
set -euo pipefail
out=${1:-overview-files}
mkdir -p "$out"
tmp=$(mktemp -d -p "$out")
trap 'rm -rf "$tmp"' EXIT

turns=(
  "en-us|0|Thanks for letting me come round again. How have the mornings been since we last spoke?"
  "en-gb-x-rp|-6|Better, I think. I have been getting them up at seven and the shouting has mostly stopped."
  "en-us|0|That sounds like a real change. What made it possible to do it differently this time?"
  "en-gb-scotland|-6|Honestly, my sister said she would come over, and having someone there made me calmer."
  "en-us|0|So having support in the room helped you stay calm. How did the children respond to that?"
  "en-029|0|My eldest noticed. He said I was nicer in the mornings, which was hard to hear, but true."
  "en-us|0|It took courage to listen to that. What would you like the mornings to look like next month?"
  "en-gb|-6|I want them to get to school on time without tears, and I want to do it without my sister."
)
parts=()
i=0
for t in "${turns[@]}"; do
  IFS='|' read -r voice gain text <<<"$t"
  espeak-ng -v "$voice" -s 165 -w "$tmp/t$i.wav" "$text"
  sox -G "$tmp/t$i.wav" -r 44100 -c 1 "$tmp/g$i.wav" gain "$gain"
  sox -n -r 44100 -c 1 "$tmp/p$i.wav" trim 0 "$((1 + i % 4))"
  parts+=("$tmp/g$i.wav" "$tmp/p$i.wav")
  i=$((i + 1))
done
sox -n -r 44100 -c 1 "$tmp/silence.wav" trim 0 12
sox "${parts[@]}" "$tmp/silence.wav" "$tmp/turns.wav"
# the loop is 84 s: the turns, then silence to fill
sox -n -r 44100 -c 1 "$tmp/fill.wav" trim 0 84
sox "$tmp/turns.wav" "$tmp/fill.wav" "$tmp/loop.wav" trim 0 84
soxi -D "$tmp/turns.wav" | sed 's/^/turns and pauses (s): /'


loop() { ffmpeg -v error -y -stream_loop -1 -i "$tmp/loop.wav" -t "$1" "${@:2}"; }
loop 7200 -c:a libmp3lame -q:a 5 "$out/speech-2h.mp3"
loop 3600 -c:a aac -b:a 64k "$out/speech-1h.m4a"
loop 3600 -c:a libvorbis -q:a 3 "$out/speech-1h.ogg"
loop 3600 -c:a flac "$out/speech-1h.flac"
loop 1200 -ar 48000 -af 'pan=5.1|FL=0.5*c0|FR=0.4*c0|FC=c0|LFE=0.1*c0|BL=0.2*c0|BR=0.25*c0' \
  -c:a flac "$out/speech-6ch-20min.flac"
ls -l "$out"
