# ---- Steps of one scenario ----------------------------------------------------------------------


rule generate_checkpoint:
    input:
        unpack(inputs("scenario", "generate_checkpoint", data=data_files("generate_checkpoint"))),
    output:
        checkpoint=CHECKPOINT,
        provenance=record("scenario", "generate_checkpoint"),
    log:
        "logs/{scenario}/generate_checkpoint.log",
    benchmark:
        "logs/benchmarks/{scenario}/generate_checkpoint.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("generate_checkpoint"),
    script:
        "../scripts/generate_checkpoint.py"


rule construct_w_hh:
    input:
        unpack(
            inputs(
                "scenario",
                "construct_w_hh",
                checkpoint=CHECKPOINT,
                data=data_files("construct_w_hh"),
                trained=trained_weights,
            )
        ),
    output:
        w_hh=W_HH,
        provenance=record("scenario", "construct_w_hh"),
    log:
        "logs/{scenario}/construct_w_hh.log",
    benchmark:
        "logs/benchmarks/{scenario}/construct_w_hh.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("construct_w_hh"),
    script:
        "../scripts/construct_w_hh.py"


rule compute_contributions:
    input:
        unpack(inputs("scenario", "compute_contributions", checkpoint=CHECKPOINT, w_hh=W_HH)),
    output:
        contributions=CONTRIBUTIONS,
        provenance=record("scenario", "compute_contributions"),
    log:
        "logs/{scenario}/compute_contributions.log",
    benchmark:
        "logs/benchmarks/{scenario}/compute_contributions.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("compute_contributions"),
    script:
        "../scripts/compute_contributions.py"


rule plot_contributions:
    input:
        unpack(inputs("scenario", "plot_contributions", contributions=CONTRIBUTIONS)),
    output:
        figure=report(
            FIGURE,
            caption="../report/contributions.rst",
            category=lambda w: "scenarios" if w.scenario in SCENARIOS else "sweep points",
            subcategory=lambda w: SETTINGS[w.scenario]["contributions"]["method"] + " method",
            labels=lambda w: report_labels(SETTINGS[w.scenario], scenario=w.scenario),
        ),
        provenance=record("scenario", "plot_contributions"),
    log:
        "logs/{scenario}/plot_contributions.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_contributions.tsv"
    # After an edit, the edited scenario's own figure is drawn before the comparisons.
    priority: 1
    conda:
        ENVIRONMENT
    params:
        **step_params("plot_contributions"),
    script:
        "../scripts/plot_contributions.py"


rule plot_spectrum:
    input:
        unpack(inputs("scenario", "plot_spectrum", contributions=CONTRIBUTIONS)),
    output:
        figure=report(
            plan.SPECTRUM_FIGURE,
            caption="../report/spectrum.rst",
            category="scenarios",
            subcategory="Lyapunov spectra",
            labels=lambda w: {"scenario": w.scenario},
        ),
        provenance=record("scenario", "plot_spectrum"),
    log:
        "logs/{scenario}/plot_spectrum.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_spectrum.tsv"
    conda:
        ENVIRONMENT
    params:
        description=lambda wildcards: SETTINGS[wildcards.scenario]["description"],
    script:
        "../scripts/plot_spectrum.py"


rule plot_activation:
    input:
        unpack(inputs("activation", "plot_activation")),
    output:
        figure=report(
            plan.ACTIVATION_FIGURE,
            caption="../report/activation.rst",
            category="activation",
            labels={"activation": "{activation}"},
        ),
        provenance=plan.RECORD["activation"],
    log:
        "logs/activation/{activation}.log",
    benchmark:
        "logs/benchmarks/activation/{activation}.tsv"
    conda:
        ENVIRONMENT
    params:
        tangent_points=config["activation_figure"]["tangent_points"],
    script:
        "../scripts/plot_activation.py"


rule plot_tangent_slider:
    input:
        unpack(inputs("tangent_slider", "plot_tangent_slider")),
    output:
        page=report(plan.TANGENT_SLIDER, caption="../report/tangent_slider.rst", category="sliders"),
        provenance=plan.RECORD["tangent_slider"],
    log:
        "logs/activation/slider.log",
    benchmark:
        "logs/benchmarks/activation/slider.tsv"
    conda:
        ENVIRONMENT
    params:
        activations=plan.activations(PROJECT),
    script:
        "../scripts/plot_tangent_slider.py"
