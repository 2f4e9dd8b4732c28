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
