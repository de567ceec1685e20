/** What a name says, the weakest evidence: `lr_scheduler` -> training state, `unet` -> a model, `obj` -> nothing. */

/** Words that mark training state rather than a model. */
const STATE_WORDS = new Map<string, string>([
  ...['optimizer', 'optimizers', 'optim', 'opt', 'opts', 'adam', 'adamw', 'sgd', 'lamb', 'lars', 'adafactor'].map((w) => [w, 'an optimizer'] as const),
  ...['scheduler', 'schedulers', 'sched', 'lr', 'warmup', 'swalr'].map((w) => [w, 'a scheduler'] as const),
  ...['scaler', 'grad_scaler'].map((w) => [w, 'a gradient scaler'] as const),
  ...['ema', 'swa', 'averager', 'shadow'].map((w) => [w, 'an EMA helper'] as const),
  ...['sampler', 'dataloader', 'loader', 'dataset', 'iterator', 'datamodule'].map((w) => [w, 'a data loader'] as const),
  ...['trainer', 'loop', 'loops', 'progress', 'fit', 'runner', 'callback', 'callbacks', 'logger', 'tracker'].map((w) => [w, 'a training loop object'] as const),
  ...['metric', 'metrics', 'meter', 'accuracy', 'evaluator'].map((w) => [w, 'a metric'] as const),
  ...['checkpoint', 'checkpointer', 'ckpt', 'accelerator', 'state', 'states', 'rng', 'sparsifier'].map((w) => [w, 'training state'] as const),
]);

const SOURCE_WORDS = new Set(['from', 'for', 'of', 'with']);

/** Words that mark a model. */
const MODEL_WORDS = new Set([
  'model', 'models', 'net', 'nets', 'network', 'networks', 'module', 'modules', 'mod', 'encoder', 'encoders', 'decoder',
  'decoders', 'backbone', 'head', 'heads', 'neck', 'stem', 'layer', 'layers', 'block', 'blocks', 'generator', 'discriminator',
  'disc', 'gen', 'policy', 'critic', 'actor', 'qnet', 'student', 'teacher', 'classifier', 'regressor', 'detector',
  'segmenter', 'unet', 'vae', 'autoencoder', 'ae', 'vqvae', 'vqgan', 'transformer', 'transformers', 'controlnet', 'adapter',
  'adapters', 'lora', 'embedder', 'embedding', 'embeddings', 'embed', 'projector', 'proj', 'projection', 'mlp', 'cnn', 'rnn',
  'lstm', 'gru', 'conv', 'linear', 'attention', 'attn', 'bert', 'gpt', 'gpt2', 'llama', 'vit', 'clip', 'resnet', 'vgg',
  'efficientnet', 'mobilenet', 'convnext', 'swin', 'deit', 'yolo', 'rcnn', 'denoiser', 'prior', 'upsampler', 'vocoder',
  'tower', 'towers', 'predictor', 'estimator', 'submodule', 'criterion', 'criterions', 'ddp', 'fsdp', 'dnn', 'gnn', 'gan', 'diffusion',
  'pretrained', 'bottleneck', 'seq2seq',
]);

/** Splits a name into lower-case words: `self.lr_scheduler` -> lr, scheduler; `GradScaler` -> grad, scaler; `optimizer1` -> optimizer, 1. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([A-Za-z])([0-9])/g, '$1_$2')
    .replace(/([0-9])([A-Za-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export interface WordVerdict {
  kind: 'module' | 'non-module';
  /** The word that decided, and what it suggests (`optimizer`: an optimizer). */
  word: string;
  what: string;
}

const seen = new Map<string, WordVerdict | null>();

/** What a name's words suggest (the last that says something); null when they say nothing. */
export function wordVerdict(name: string): WordVerdict | null {
  let verdict = seen.get(name);
  if (verdict === undefined) {
    verdict = verdictOf(nameWords(name));
    if (seen.size > 10_000) seen.clear();
    seen.set(name, verdict);
  }
  return verdict;
}

/**
 * The last word that says something decides, as the head of an English compound does:
 * `ema_model` is a model, `model_optimizer` and `model_opt_class` are optimizers, `model_ema` an EMA.
 */
function verdictOf(all: string[]): WordVerdict | null {
  // What follows `from`, `for`, `of`, `with` names a source, not the thing: `wrapped_model_from_checkpoint`.
  const cut = all.findIndex((w, k) => k > 0 && SOURCE_WORDS.has(w));
  const words = cut === -1 ? all : all.slice(0, cut);
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k] as string;
    if (MODEL_WORDS.has(w)) return { kind: 'module', word: w, what: 'a model' };
    const what = STATE_WORDS.get(w);
    if (what) return { kind: 'non-module', word: w, what };
  }
  return null;
}
