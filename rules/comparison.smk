# ---- Comparison across scenarios ---------------------------------------------------------------

COURSE_SCENARIOS = plan.course_scenarios(SCENARIOS)


rule summarize:
    input:
        unpack(inputs("comparison", "summarize", contributions=contributions_of("summarize"))),
    output:
        csv=report(
            plan.COMPARISON_FILES["summarize"][0],
            caption="../report/summary.rst",
            category="comparison",
        ),
        markdown=plan.COMPARISON_FILES["summarize"][1],
        compact=report(
            plan.COMPARISON_FILES["summarize"][2],
            caption="../report/summary_compact.rst",
            category="comparison",
        ),
        provenance=record("comparison", "summarize"),
    log:
        "logs/comparison/summarize.log",
    benchmark:
        "logs/benchmarks/comparison/summarize.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("summarize", PROJECT),
    script:
        "../scripts/summarize.py"


rule plot_comparison:
    input:
        unpack(
            inputs(
                "comparison", "plot_comparison", contributions=contributions_of("plot_comparison")
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_comparison"][0],
            caption="../report/comparison.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_comparison"),
    log:
        "logs/comparison/plot_comparison.log",
    benchmark:
        "logs/benchmarks/comparison/plot_comparison.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_comparison", PROJECT),
    script:
        "../scripts/plot_comparison.py"


rule plot_course_vs_exact:
    input:
        unpack(
            inputs(
                "comparison",
                "plot_course_vs_exact",
                checkpoints=expand(CHECKPOINT, scenario=COURSE_SCENARIOS),
                w_hh=expand(W_HH, scenario=COURSE_SCENARIOS),
                contributions=expand(CONTRIBUTIONS, scenario=COURSE_SCENARIOS),
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_course_vs_exact"][0],
            caption="../report/course_vs_exact.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_course_vs_exact"),
    log:
        "logs/comparison/plot_course_vs_exact.log",
    benchmark:
        "logs/benchmarks/comparison/plot_course_vs_exact.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_course_vs_exact", PROJECT),
    script:
        "../scripts/plot_course_vs_exact.py"


rule plot_rules:
    input:
        unpack(inputs("comparison", "plot_rules", contributions=contributions_of("plot_rules"))),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_rules"][0],
            caption="../report/rules.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_rules"),
    log:
        "logs/comparison/plot_rules.log",
    benchmark:
        "logs/benchmarks/comparison/plot_rules.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_rules", PROJECT),
    script:
        "../scripts/plot_rules.py"


rule plot_architectures:
    input:
        unpack(
            inputs(
                "comparison",
                "plot_architectures",
                contributions=contributions_of("plot_architectures"),
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_architectures"][0],
            caption="../report/architectures.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_architectures"),
    log:
        "logs/comparison/plot_architectures.log",
    benchmark:
        "logs/benchmarks/comparison/plot_architectures.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_architectures", PROJECT),
    script:
        "../scripts/plot_architectures.py"


rule plot_spectra:
    input:
        unpack(inputs("comparison", "plot_spectra", contributions=contributions_of("plot_spectra"))),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_spectra"][0],
            caption="../report/spectra.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_spectra"),
    log:
        "logs/comparison/plot_spectra.log",
    benchmark:
        "logs/benchmarks/comparison/plot_spectra.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_spectra", PROJECT),
    script:
        "../scripts/plot_spectra.py"


rule plot_training_comparison:
    input:
        unpack(
            inputs(
                "comparison",
                "plot_training_comparison",
                training=training_of("plot_training_comparison"),
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_training_comparison"][0],
            caption="../report/training_comparison.rst",
            category="training",
        ),
        provenance=record("comparison", "plot_training_comparison"),
    log:
        "logs/comparison/plot_training_comparison.log",
    benchmark:
        "logs/benchmarks/comparison/plot_training_comparison.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_training_comparison", PROJECT),
    script:
        "../scripts/plot_training_comparison.py"


rule plot_clipping:
    input:
        unpack(inputs("comparison", "plot_clipping", training=training_of("plot_clipping"))),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_clipping"][0],
            caption="../report/clipping.rst",
            category="training",
        ),
        provenance=record("comparison", "plot_clipping"),
    log:
        "logs/comparison/plot_clipping.log",
    benchmark:
        "logs/benchmarks/comparison/plot_clipping.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_clipping", PROJECT),
    script:
        "../scripts/plot_clipping.py"
