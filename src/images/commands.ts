// `tskubeadm config images list|pull` (kubeadm's cmd/config.go): the control-plane images of a
// configuration, printed or pulled through the CRI. The list is the one preflight pulls
// (../preflight/images.ts).

import type { Host } from '../host/types.js';
import type { Output } from '../output.js';
import type { InitConfig } from '../config/types.js';
import { TskError } from '../errors.js';
import { requiredImages } from '../preflight/images.js';
import { generateBootstrapToken } from '../util/token.js';
import { OUTPUT_API_VERSION } from '../printers/formats.js';
import type { ObjectPrinter } from '../printers/printer.js';

export interface ImagesConfigInput {
  host: Host;
  out: Output;
  /** --config text (flags are then ignored, as kubeadm ignores them) */
  configText?: string;
  configPath?: string;
  kubernetesVersion?: string;
  imageRepository?: string;
  featureGates?: string;
  criSocket?: string;
  /** detect the CRI socket when none is configured (pull) */
  detectCRI: boolean;
}

/** kubeadm's LoadOrDefaultInitConfiguration for the images commands. */
export async function imagesConfig(i: ImagesConfigInput): Promise<InitConfig> {
  const { loadInitConfig, parseFeatureGates } = await import('../config/index.js');
  // kubeadm parses --feature-gates before it reads anything, file or not
  if (i.featureGates) parseFeatureGates(i.featureGates, []);
  const flags: Record<string, string> = {};
  if (i.kubernetesVersion !== undefined) flags['kubernetes-version'] = i.kubernetesVersion;
  if (i.imageRepository !== undefined) flags['image-repository'] = i.imageRepository;
  if (i.featureGates) flags['feature-gates'] = i.featureGates;
  if (i.criSocket !== undefined) flags['cri-socket'] = i.criSocket;
  const withFile = i.configText !== undefined;
  let detect: (() => Promise<string>) | undefined;
  if (i.detectCRI) {
    const { detectCRISocket } = await import('../cri/detect.js');
    detect = () => detectCRISocket(i.host);
  }
  const cfg = await loadInitConfig({
    ...(withFile ? { text: i.configText!, fileName: i.configPath! } : {}),
    flags: withFile ? {} : flags,
    flagsSet: withFile ? [] : Object.keys(flags),
    strict: true,
    dynamic: {
      hostname: () => i.host.hostname(),
      defaultAddress: () => i.host.defaultRouteAddress(4),
      generateToken: generateBootstrapToken,
      ...(detect ? { detectCRISocket: detect } : {}),
    },
  });
  for (const w of cfg.warnings) i.out.warn(w);
  return cfg;
}

/** What `config images list` prints for a configuration: one output.kubeadm.k8s.io/v1alpha3 Images object. */
export async function formatImages(images: string[], printer: ObjectPrinter | 'text', stdout: { write(s: string): unknown }): Promise<void> {
  if (printer === 'text') {
    stdout.write(images.join('\n') + '\n');
    return;
  }
  const { PrintError, printFailure } = await import('../printers/printer.js');
  try {
    stdout.write(printer.print({ kind: 'Images', apiVersion: OUTPUT_API_VERSION, images }));
  } catch (e) {
    if (e instanceof PrintError) throw printFailure(e, 'unable to print images: ', stdout);
    throw e;
  }
}

export async function runImagesList(i: ImagesConfigInput, printer: ObjectPrinter | 'text'): Promise<void> {
  const cfg = await imagesConfig(i);
  await formatImages(requiredImages(cfg.cluster), printer, i.out.stdout);
}

/**
 * kubeadm's PullControlPlaneImages: every image, one after the other, each pulled whatever the
 * runtime already has (kubeadm's `config images pull` ignores imagePullPolicy and imagePullSerial).
 */
export async function runImagesPull(i: ImagesConfigInput): Promise<void> {
  const cfg = await imagesConfig(i);
  const { createCriClient } = await import('../cri/index.js');
  const cri = createCriClient(cfg.init.nodeRegistration.criSocket, { host: i.host });
  try {
    // kubeadm's Connect: the runtime must answer before the first pull
    await cri.connect();
    for (const image of requiredImages(cfg.cluster)) {
      try {
        await cri.pullImage(image);
      } catch (e) {
        throw new TskError(`failed to pull image "${image}": ${(e as Error).message}`, 1, { cause: e });
      }
      i.out.stdout.write(`[config/images] Pulled ${image}\n`);
    }
  } finally {
    cri.close();
  }
}
