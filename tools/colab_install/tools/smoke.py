# Small CPU smoke of the stacks in question (no downloads): fastai fit on synthetic data, a vision Learner built
# without weights, trl/peft/datasets objects, muwa_nb imports.
import warnings; warnings.filterwarnings('ignore')
import torch; torch.set_num_threads(1)
import fastcore, fastai, datasets, pyarrow, huggingface_hub
print('versions: fastcore', fastcore.__version__, 'fastai', fastai.__version__, 'torch', torch.__version__,
      'datasets', datasets.__version__, 'pyarrow', pyarrow.__version__, 'hf_hub', huggingface_hub.__version__)
from fastai.vision.all import *
from fastai.test_utils import synth_learner
l = synth_learner(); l.fit(1); print('fastai synth_learner fit OK, valid loss', float(l.recorder.values[-1][0]))
x = torch.rand(8, 3, 32, 32); y = torch.randint(0, 2, (8,))
dls = DataLoaders.from_dsets(list(zip(x, y)), list(zip(x, y)), bs=4, device='cpu')
lv = vision_learner(dls, resnet18, pretrained=False, n_out=2, loss_func=CrossEntropyLossFlat(), metrics=accuracy)
lv.fit(1); print('fastai vision_learner(resnet18, pretrained=False) fit OK')
ds = datasets.Dataset.from_dict({'prompt': ['a', 'b'], 'chosen': ['x', 'y'], 'rejected': ['z', 'w']}); print('datasets OK', ds)
from trl import DPOConfig, DPOTrainer; print('trl DPOConfig/DPOTrainer import OK')
import peft, muwa_nb.train, muwa_nb.eval, muwa_nb.dpo, muwa_nb.quantized_load; print('peft', peft.__version__, 'muwa_nb.train/eval/dpo/quantized_load import OK')
import lm_eval; from lm_eval.models.huggingface import HFLM; print('lm_eval HFLM import OK')
