from glassnet import datasets
from glassnet.inspect import compare_activations, plot_activation_study


def test_activation_study_on_spirals(tmp_path):
    (x, y), (xt, yt) = datasets.load_2d("spirals", n_samples=300)
    results = compare_activations(
        x,
        y,
        xt,
        yt,
        activations=("sigmoid", "relu"),
        hidden=(32, 32),
        epochs=40,
        learning_rate=0.01,
    )
    assert set(results) == {"sigmoid", "relu"}
    assert results["relu"]["test_accuracy"] > results["sigmoid"]["test_accuracy"]
    assert len(results["relu"]["history"]["loss"]) == 40
    plot_activation_study(results, tmp_path / "study.png")
    assert (tmp_path / "study.png").stat().st_size > 1000


def test_every_network_gets_the_same_initialisation_and_the_plot_says_test(tmp_path):
    # issue 16 item 5: ReLU got He initialisation while sigmoid/tanh got Glorot, so the study
    # compared initialisations as much as activations
    (x, y), (xt, yt) = datasets.load_2d("moons", n_samples=60)
    kinds = ("sigmoid", "tanh", "relu")
    fair = compare_activations(x, y, xt, yt, activations=kinds, hidden=(4,), epochs=1)
    assert {fair[name]["initializer"] for name in kinds} == {"he_normal"}
    for name in kinds:
        kernel = fair[name]["model"].layers[0].kernel_initializer
        assert type(kernel).__name__ == "HeNormal", name
    recommended = compare_activations(
        x, y, xt, yt, activations=kinds, hidden=(4,), epochs=1, initializer="recommended"
    )
    assert [recommended[name]["initializer"] for name in kinds] == [
        "glorot_uniform",
        "glorot_uniform",
        "he_normal",
    ]
    figure = plot_activation_study(fair)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["training loss (all he_normal init)", "test accuracy"]
    assert not any("validation" in title for title in titles)
    titles = [axes.get_title() for axes in plot_activation_study(recommended).axes]
    assert titles[0] == "training loss (each its recommended init)"
