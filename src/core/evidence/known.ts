/**
 * What the libraries people train with define, by qualified name: which classes and factories give
 * an nn.Module, which give training state (optimizers, schedulers, scalers, EMA helpers, loops,
 * loaders, metrics), and which bases say nothing either way.
 */
import { wordVerdict } from './words.js';

export interface Known {
  kind: 'module' | 'non-module';
  /** `a torch optimizer`, `an nn.Module`, ... */
  what: string;
}

const MODULE = (what = 'an nn.Module'): Known => ({ kind: 'module', what });
const STATE = (what: string): Known => ({ kind: 'non-module', what });

/**
 * Prefix rules, most specific first: `torch.optim.` covers every optimizer; an exact entry (no
 * trailing dot) names one class or function. `null` means "no verdict": neither a model nor state.
 */
const RULES: Array<[string, Known | null]> = [
  ['torch.optim.swa_utils.AveragedModel', MODULE('an nn.Module (AveragedModel)')],
  ['torch.optim.lr_scheduler.', STATE('a learning-rate scheduler')],
  ['torch.optim.swa_utils.SWALR', STATE('a learning-rate scheduler')],
  ['torch.optim.', STATE('a torch optimizer')],
  ['torch.cuda.amp.GradScaler', STATE('a gradient scaler')],
  ['torch.cuda.amp.grad_scaler.', STATE('a gradient scaler')],
  ['torch.amp.GradScaler', STATE('a gradient scaler')],
  ['torch.amp.grad_scaler.', STATE('a gradient scaler')],
  ['torch.GradScaler', STATE('a gradient scaler')],
  ['torch.utils.data.', STATE('a data loader or sampler')],
  ['torch.distributed.checkpoint', null],
  ['torch.distributed.fsdp.', MODULE('an nn.Module (FSDP)')],
  ['torch.distributed.optim.', STATE('a torch optimizer')],
  ['torch.nn.Parameter', null],
  ['torch.nn.parameter.', null],
  ['torch.nn.init.', null],
  ['torch.nn.functional.', null],
  ['torch.nn.utils.', null],
  ['torch.nn.', MODULE()],
  ['torch.jit.', MODULE('an nn.Module (TorchScript)')],
  ['torch.hub.load', MODULE('an nn.Module (torch.hub)')],
  ['torch.ao.quantization.', null],
  ['torch.ao.nn.', MODULE()],
  ['torchvision.models.', MODULE('a torchvision model')],
  // a Flax NNX port's model (the nnx mapper loads into it); its optimizer and other objects are not
  ['flax.nnx.Optimizer', STATE('a Flax NNX optimizer')],
  ['flax.nnx.training.', STATE('a Flax NNX optimizer or metric')],
  ['flax.nnx.optimizer.', STATE('a Flax NNX optimizer')],
  ['flax.nnx.Module', MODULE('a Flax NNX module')],
  ['flax.nnx.module.Module', MODULE('a Flax NNX module')],
  ['flax.nnx.Sequential', MODULE('a Flax NNX module')],
  ['torchaudio.models.', MODULE('a torchaudio model')],
  ['torchdata.', STATE('a data loader')],
  ['torchmetrics.', STATE('a metric')],
  ['torch_ema.', STATE('an EMA helper')],
  ['ema_pytorch.', STATE('an EMA helper')],
  ['timm.utils.ModelEmaV', MODULE('an nn.Module (ModelEmaV2/V3)')],
  ['timm.utils.model_ema.ModelEmaV', MODULE('an nn.Module (ModelEmaV2/V3)')],
  ['timm.utils.ModelEma', STATE('an EMA helper')],
  ['timm.utils.model_ema.ModelEma', STATE('an EMA helper')],
  ['timm.optim.', STATE('an optimizer')],
  ['timm.scheduler.', STATE('a learning-rate scheduler')],
  ['timm.create_model', MODULE('a timm model')],
  ['timm.models.', MODULE('a timm model')],
  ['diffusers.training_utils.EMAModel', STATE('an EMA helper (diffusers EMAModel)')],
  ['diffusers.EMAModel', STATE('an EMA helper (diffusers EMAModel)')],
  ['diffusers.optimization.', STATE('a learning-rate scheduler')],
  ['diffusers.get_scheduler', STATE('a learning-rate scheduler')],
  ['transformers.optimization.', STATE('an optimizer or scheduler')],
  ['transformers.get_scheduler', STATE('a learning-rate scheduler')],
  ['transformers.get_linear_schedule_with_warmup', STATE('a learning-rate scheduler')],
  ['transformers.get_cosine_schedule_with_warmup', STATE('a learning-rate scheduler')],
  ['transformers.AdamW', STATE('an optimizer')],
  ['transformers.Adafactor', STATE('an optimizer')],
  ['transformers.Trainer', STATE('a training loop object')],
  ['transformers.PreTrainedModel', MODULE('an nn.Module (PreTrainedModel)')],
  ['transformers.modeling_utils.', MODULE('an nn.Module (PreTrainedModel)')],
  ['diffusers.ModelMixin', MODULE('an nn.Module (ModelMixin)')],
  ['diffusers.models.modeling_utils.', MODULE('an nn.Module (ModelMixin)')],
  ['bitsandbytes.optim.', STATE('an optimizer')],
  ['apex.optimizers.', STATE('an optimizer')],
  ['apex.parallel.DistributedDataParallel', MODULE()],
  ['deepspeed.ops.', STATE('an optimizer')],
  ['lightning.pytorch.LightningModule', MODULE('an nn.Module (LightningModule)')],
  ['lightning.LightningModule', MODULE('an nn.Module (LightningModule)')],
  ['pytorch_lightning.LightningModule', MODULE('an nn.Module (LightningModule)')],
  ['pytorch_lightning.core.', MODULE('an nn.Module (LightningModule)')],
  ['lightning.pytorch.core.', MODULE('an nn.Module (LightningModule)')],
  ['lightning.pytorch.', STATE('a Lightning loop, trainer or callback')],
  ['pytorch_lightning.', STATE('a Lightning loop, trainer or callback')],
  ['lightning.fabric.', STATE('a Lightning Fabric object')],
  ['lightning.', STATE('a Lightning loop, trainer or callback')],
  ['accelerate.', STATE('an Accelerate object')],
  ['ignite.', STATE('an ignite engine, handler or metric')],
  ['peft.', MODULE('an nn.Module (PEFT)')],
  ['segmentation_models_pytorch.', MODULE()],
  ['torch_geometric.nn.', MODULE()],
  ['mmengine.model.', MODULE()],
  ['mmcv.cnn.', MODULE()],
  ['mmengine.optim.', STATE('an optimizer wrapper')],
  ['fairseq.optim.', STATE('an optimizer or scheduler')],
  ['fairseq.models.', MODULE('a fairseq model')],
  ['detectron2.modeling.', MODULE('a detectron2 model')],
  ['detectron2.checkpoint.', STATE('a checkpointer')],
  ['detectron2.solver.', STATE('an optimizer or scheduler')],
];

/** Packages whose classes are mostly models, so an unknown class there is judged by its name (`BertModel`, `DDPMScheduler`). */
const MODEL_PACKAGES = ['transformers.', 'diffusers.', 'timm.', 'open_clip.', 'sentence_transformers.', 'torchvision.', 'ultralytics.'];

/** Bases that say nothing about being a model: a class with only these is a plain class. */
const NEUTRAL = new Set([
  'object', 'abc.ABC', 'ABC', 'typing.Generic', 'typing.Protocol', 'typing.NamedTuple', 'typing.TypedDict', 'Generic', 'Protocol',
  'NamedTuple', 'TypedDict', 'dict', 'list', 'tuple', 'set', 'str', 'int', 'float', 'Exception', 'enum.Enum', 'Enum',
  'collections.OrderedDict', 'OrderedDict', 'collections.UserDict', 'dataclasses.dataclass', 'abc.ABCMeta', 'contextlib.ContextDecorator',
]);

/** The verdict for a qualified class or factory name outside the project; undefined when nothing is known of it. */
export function knownVerdict(qualified: string): Known | null | undefined {
  for (const [prefix, verdict] of RULES) {
    if (prefix.endsWith('.') ? qualified.startsWith(prefix) : qualified === prefix || qualified.startsWith(`${prefix}.`)) return verdict;
  }
  if (MODEL_PACKAGES.some((p) => qualified.startsWith(p))) {
    const byName = wordVerdict(qualified.slice(qualified.lastIndexOf('.') + 1));
    if (byName) return { kind: byName.kind, what: byName.kind === 'module' ? `a model (${qualified.split('.')[0]})` : byName.what };
  }
  return undefined;
}

/** True for a base that adds nothing (object, ABC, Generic, ...). */
export function isNeutralBase(qualified: string): boolean {
  return NEUTRAL.has(qualified) || qualified.startsWith('typing.') || qualified.startsWith('abc.') || qualified.startsWith('builtins.');
}

/** Short names that mean these packages even when the file's import of them was not seen. */
export const CONVENTIONAL_ALIASES: Record<string, string> = {
  nn: 'torch.nn',
  optim: 'torch.optim',
  lr_scheduler: 'torch.optim.lr_scheduler',
  pl: 'pytorch_lightning',
  tv: 'torchvision',
};

/** Calls that hand back (one of) their arguments: `copy.deepcopy(m)`, `accelerator.prepare(m, opt)`, `torch.compile(m)`. */
export const PASS_THROUGH = new Set([
  'deepcopy', 'prepare', 'prepare_model', 'setup', 'setup_module', 'initialize', 'compile', 'unwrap_model', 'unwrap', 'wrap',
  'convert_sync_batchnorm', 'freeze', 'cast', 'to_device', 'move_to_device', 'de_parallel', 'get_model_from_ddp',
]);

/** Methods that return their object: `Net().to(device)` is a `Net`. Tensors and metrics have `.to`, `.cuda`, `.cpu` too. */
export const RETURNS_SELF = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'half', 'float', 'double', 'bfloat16', 'requires_grad_', 'share_memory', 'to_empty']);

/** Of RETURNS_SELF, the methods only a module has: the value is a module even when its object says nothing. */
export const MODULE_ONLY_RETURNS = new Set(['eval', 'train', 'requires_grad_', 'share_memory', 'to_empty']);

/** Words of a factory's name that say it builds what its first argument names: `instantiate_from_config(config.model)`. */
export const FACTORY_WORDS = new Set(['instantiate', 'build', 'create', 'make', 'construct', 'get', 'load', 'init', 'setup']);

/** Class methods that build an instance of their class: `Net.from_pretrained(...)` is a `Net`. */
export const CONSTRUCTORS = new Set(['from_pretrained', 'from_config', 'from_single_file', 'load_from_checkpoint', 'from_file', 'from_dict', 'build', 'create']);

/** Calls or attribute reads on a receiver that only an nn.Module has. */
export const MODULE_USES = new Set([
  'parameters', 'named_parameters', 'modules', 'named_modules', 'children', 'named_children', 'buffers', 'named_buffers',
  'eval', 'cuda', 'half', 'bfloat16', 'requires_grad_', 'register_buffer', 'register_forward_hook', 'register_forward_pre_hook',
  'forward', 'apply', 'get_submodule', 'register_module', 'add_module', 'training',
]);

/** Calls or attribute reads on a receiver that a model does not have: optimizers, schedulers, scalers, EMA helpers, metrics. */
export const STATE_USES = new Map<string, string>([
  ['param_groups', 'an optimizer'], ['add_param_group', 'an optimizer'], ['get_last_lr', 'a scheduler'], ['last_epoch', 'a scheduler'],
  ['base_lrs', 'a scheduler'], ['get_lr', 'a scheduler'], ['scale', 'a gradient scaler'], ['unscale_', 'a gradient scaler'],
  ['get_scale', 'a gradient scaler'], ['copy_to', 'an EMA helper'], ['store', 'an EMA helper'], ['restore', 'an EMA helper'],
  ['shadow_params', 'an EMA helper'], ['average_parameters', 'an EMA helper'], ['set_epoch', 'a sampler'], ['compute', 'a metric'],
  ['step', 'an optimizer or scheduler'],
]);

/** Factories that return a tuple, what each item is (null: neither): `model, preprocess = clip.load(...)`. */
export const TUPLE_RESULTS: Record<string, Array<Known | null>> = {
  'clip.load': [MODULE('a CLIP model'), null],
  'open_clip.create_model_and_transforms': [MODULE('an open_clip model'), null, null],
  'open_clip.create_model_from_pretrained': [MODULE('an open_clip model'), null],
  'deepspeed.initialize': [MODULE('a DeepSpeed engine (an nn.Module)'), STATE('an optimizer'), null, STATE('a learning-rate scheduler')],
  'apex.amp.initialize': [MODULE('an nn.Module (apex)'), STATE('an optimizer')],
};
