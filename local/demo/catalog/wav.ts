/**
 * Short generated audio for the demo's audio lessons: a PCM WAV of soft beeps, as many as the lesson's number, so
 * a listener hears which lesson plays (lesson 3: three beeps); the pitch is the course's.
 */

// Math's functions as module locals: in jest's sandbox (a vm context) every lookup of a global name is slow,
// and the pixel and sample loops below make millions of them.
const { max, min, PI, round, sin } = Math;

const LEAD_SEC = 0.2;
const BEEP_SEC = 0.15;
const GAP_SEC = 0.1;
const MIN_SEC = 2;
const FADE_SEC = 0.01;

/** A mono 16-bit PCM WAV header for `samples` samples at `sampleRate`, followed by room for them. */
function pcmWav(samples: number, sampleRate: number): Buffer {
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  return wav;
}

/**
 * `beeps` beeps of a sine at `frequencyHz` (0.15 s each, 0.1 s apart, each faded in and out) after a short
 * silence, padded with silence to at least 2 seconds.
 */
export function beepsWav(frequencyHz: number, beeps: number, sampleRate = 8000): Buffer {
  if (!Number.isInteger(beeps) || beeps < 1) throw new RangeError(`beeps must be a positive integer, not ${beeps}`);
  const seconds = max(MIN_SEC, LEAD_SEC + beeps * (BEEP_SEC + GAP_SEC) + LEAD_SEC);
  const samples = round(seconds * sampleRate);
  const wav = pcmWav(samples, sampleRate);
  const beepLength = round(BEEP_SEC * sampleRate);
  const fade = FADE_SEC * sampleRate;
  for (let n = 0; n < beeps; n += 1) {
    const start = round((LEAD_SEC + n * (BEEP_SEC + GAP_SEC)) * sampleRate);
    for (let i = 0; i < beepLength; i += 1) {
      const envelope = min(1, i / fade, (beepLength - 1 - i) / fade);
      const value = sin((2 * PI * frequencyHz * i) / sampleRate) * envelope * 0.3;
      wav.writeInt16LE(round(value * 32767), 44 + (start + i) * 2);
    }
  }
  return wav;
}
