# ---- Sweeps: points computed POINTS_PER_JOB at a time, summed up in a tracked table -------------


rule compute_sweep:
    input:
        unpack(
            inputs(
                "chunk",
                "compute_sweep",
                data=lambda w: list(
                    plan.chunk_data_files(SWEEPS[w.sweep], int(w.chunk), POINTS_PER_JOB)
                ),
                runs=chunk_runs,
            )
        ),
    output:
        csv=plan.SWEEP_CHUNK,
        provenance=plan.RECORD["chunk"],
    log:
        "logs/sweeps/{sweep}/compute_sweep_{chunk}.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/compute_sweep_{chunk}.tsv"
    conda:
        ENVIRONMENT
    params:
        points=lambda wildcards: plan.chunk_points(
            SWEEPS[wildcards.sweep], int(wildcards.chunk), POINTS_PER_JOB
        ),
    script:
        "../scripts/compute_sweep.py"


rule summarize_sweep:
    input:
        unpack(
            inputs(
                "sweep",
                "summarize_sweep",
                chunks=sweep_chunks(plan.SWEEP_CHUNK),
                provenance=sweep_chunks(plan.RECORD["chunk"]),
                data=lambda w: list(plan.points_data_files(SWEEPS[w.sweep].points)),
            )
        ),
    output:
        csv=plan.SWEEP_SUMMARY,
        provenance=record("sweep", "summarize_sweep"),
    log:
        "logs/sweeps/{sweep}/summarize_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/summarize_sweep.tsv"
    conda:
        ENVIRONMENT
    params:
        sweep=lambda wildcards: SWEEPS[wildcards.sweep].definition,
        points_per_job=POINTS_PER_JOB,
    script:
        "../scripts/summarize_sweep.py"


rule plot_phase:
    input:
        unpack(inputs("sweep", "plot_phase", csv=plan.SWEEP_SUMMARY)),
    output:
        figure=report(plan.SWEEP_FIGURES["phase"], caption="../report/phase.rst", category="sweeps"),
        provenance=record("sweep", "plot_phase"),
    log:
        "logs/sweeps/{sweep}/plot_phase.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_phase.tsv"
    conda:
        ENVIRONMENT
    params:
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    script:
        "../scripts/plot_phase.py"


rule plot_phase_slider:
    input:
        unpack(
            inputs(
                "sweep",
                "plot_phase_slider",
                data=lambda w: list(plan.points_data_files(plan.slider_points(SWEEPS[w.sweep]))),
            )
        ),
    output:
        page=report(plan.PHASE_SLIDER, caption="../report/phase_slider.rst", category="sliders"),
        provenance=record("sweep", "plot_phase_slider"),
    log:
        "logs/sweeps/{sweep}/plot_phase_slider.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_phase_slider.tsv"
    conda:
        ENVIRONMENT
    params:
        points=lambda wildcards: plan.phase_slider_params(SWEEPS[wildcards.sweep])["points"],
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    script:
        "../scripts/plot_phase_slider.py"


rule plot_gain_sweep:
    input:
        unpack(inputs("sweep", "plot_gain_sweep", csv=plan.SWEEP_SUMMARY)),
    output:
        figure=report(
            plan.SWEEP_FIGURES["gain"], caption="../report/gain_sweep.rst", category="sweeps"
        ),
        provenance=record("sweep", "plot_gain_sweep"),
    log:
        "logs/sweeps/{sweep}/plot_gain_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_gain_sweep.tsv"
    conda:
        ENVIRONMENT
    params:
        activation=lambda wildcards: plan.sweep_figure_params(SWEEPS[wildcards.sweep])["activation"],
    script:
        "../scripts/plot_gain_sweep.py"


rule plot_length_sweep:
    input:
        unpack(inputs("sweep", "plot_length_sweep", csv=plan.SWEEP_SUMMARY)),
    output:
        figure=report(
            plan.SWEEP_FIGURES["training"],
            caption="../report/length_sweep.rst",
            category="training",
        ),
        provenance=record("sweep", "plot_length_sweep"),
    log:
        "logs/sweeps/{sweep}/plot_length_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_length_sweep.tsv"
    conda:
        ENVIRONMENT
    params:
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    script:
        "../scripts/plot_length_sweep.py"
