# ---- Training: a scenario with `training` learns its weights first ----------------------------
# train makes run.npz (the trace and the weights at every checkpoint); each checkpoint is exported
# as PyTorch's .safetensors, the last one read by construct_w_hh; measure_training measures them all.


rule train:
    input:
        unpack(inputs("scenario", "train")),
    output:
        run=plan.TRAINING_FILES["run"],
        provenance=record("scenario", "train"),
    log:
        "logs/{scenario}/train.log",
    benchmark:
        "logs/benchmarks/{scenario}/train.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("train"),
    script:
        "../scripts/train.py"


rule export_checkpoint:
    input:
        unpack(inputs("export", "export_checkpoint", run=plan.TRAINING_FILES["run"])),
    output:
        checkpoint=plan.TRAINING_FILES["export"],
        provenance=plan.RECORD["export"],
    log:
        "logs/{scenario}/export_checkpoint_{checkpoint_update}.log",
    benchmark:
        "logs/benchmarks/{scenario}/export_checkpoint_{checkpoint_update}.tsv"
    conda:
        ENVIRONMENT
    params:
        checkpoint_update=lambda wildcards: int(wildcards.checkpoint_update),
    script:
        "../scripts/export_checkpoint.py"


rule measure_training:
    input:
        unpack(inputs("scenario", "measure_training", run=plan.TRAINING_FILES["run"])),
    output:
        training=plan.TRAINING_FILES["training"],
        provenance=record("scenario", "measure_training"),
    log:
        "logs/{scenario}/measure_training.log",
    benchmark:
        "logs/benchmarks/{scenario}/measure_training.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("measure_training"),
    script:
        "../scripts/measure_training.py"


rule plot_training:
    input:
        unpack(inputs("scenario", "plot_training", training=plan.TRAINING_FILES["training"])),
    output:
        figure=report(
            plan.TRAINING_FILES["figure"],
            caption="../report/training.rst",
            category="training",
            labels=lambda w: report_labels(SETTINGS[w.scenario], scenario=w.scenario),
        ),
        provenance=record("scenario", "plot_training"),
    log:
        "logs/{scenario}/plot_training.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_training.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("plot_training"),
    script:
        "../scripts/plot_training.py"
