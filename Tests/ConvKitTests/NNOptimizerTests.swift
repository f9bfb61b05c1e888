import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// A parameter set with gradients fixed by the test.
struct FixedParameters: TrainableParameters {
    var values: [(String, Tensor<Double>)]
    var gradients: [String: Tensor<Double>]

    mutating func updateParameters(
        _ body: (_ name: String, _ value: inout Tensor<Double>, _ gradient: Tensor<Double>) throws -> Void
    ) throws {
        for index in values.indices {
            let name = values[index].0
            try body(name, &values[index].1, gradients[name] ?? Tensor<Double>(uncheckedShape: [0], scalars: []))
        }
    }

    var p: [Double] { values[0].1.scalars }
}

/// Optimiser steps against hand-computed values and PyTorch's formulas, state export and
/// import, and learning-rate schedules.
@Suite struct NNOptimizerTests {
    static func single(_ p: [Double], _ g: [Double]) -> FixedParameters {
        FixedParameters(values: [("w", Tensor(p))], gradients: ["w": Tensor(g)])
    }

    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test func plainSGD() throws {
        var model = Self.single([1, -2], [0.5, 0.25])
        var sgd = try SGD<Double>(learningRate: 0.1)
        try sgd.step(&model)
        #expect(Self.close(model.p, [0.95, -2.025]))
        #expect(sgd.state.map(\.name) == ["step"])
    }

    @Test func sgdMomentumAndWeightDecay() throws {
        // buf₁ = g = 0.5, p₁ = 1 − 0.1·0.5 = 0.95; buf₂ = 0.9·0.5 + 0.5 = 0.95, p₂ = 0.95 − 0.095 = 0.855
        var model = Self.single([1], [0.5])
        var sgd = try SGD<Double>(learningRate: 0.1, momentum: 0.9)
        try sgd.step(&model)
        #expect(Self.close(model.p, [0.95]))
        try sgd.step(&model)
        #expect(Self.close(model.p, [0.855]))
        #expect(Self.close(sgd.state.first { $0.name == "w.momentum_buffer" }?.value.scalars ?? [], [0.95]))
        // weight decay 0.1: d = 0.5 + 0.1·1 = 0.6, p = 1 − 0.06
        var decayed = Self.single([1], [0.5])
        var sgdDecay = try SGD<Double>(learningRate: 0.1, weightDecay: 0.1)
        try sgdDecay.step(&decayed)
        #expect(Self.close(decayed.p, [0.94]))
    }

    @Test func sgdNesterov() throws {
        // torch.optim.SGD(nesterov=True): buf₁ = 0.5, d = 0.5 + 0.9·0.5 = 0.95, p₁ = 1 − 0.095 = 0.905;
        // buf₂ = 0.9·0.5 + 0.5 = 0.95, d = 0.5 + 0.9·0.95 = 1.355, p₂ = 0.905 − 0.1355 = 0.7695
        var model = Self.single([1], [0.5])
        var sgd = try SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true)
        try sgd.step(&model)
        #expect(Self.close(model.p, [0.905]))
        try sgd.step(&model)
        #expect(Self.close(model.p, [0.7695]))
        #expect(throws: ConvKitError("SGD", "nesterov momentum needs momentum > 0, got 0.0")) {
            try SGD<Double>(learningRate: 0.1, nesterov: true)
        }
    }

    /// PyTorch's Adam/AdamW, written out for one scalar.
    static func torchAdam(
        p: inout Double, m: inout Double, v: inout Double, g: Double, t: Int, lr: Double, beta1: Double, beta2: Double,
        eps: Double, l2: Double, decoupled: Double
    ) {
        var g = g
        p *= 1 - lr * decoupled                               // AdamW: param.mul_(1 - lr * weight_decay)
        g += l2 * p                                           // Adam: grad = grad.add(param, alpha=weight_decay)
        m += (g - m) * (1 - beta1)                            // exp_avg.lerp_(grad, 1 - beta1)
        v = v * beta2 + (1 - beta2) * g * g                   // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
        let bias1 = 1 - pow(beta1, Double(t)), bias2 = 1 - pow(beta2, Double(t))
        let denom = v.squareRoot() / bias2.squareRoot() + eps // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        p -= lr / bias1 * (m / denom)                         // param.addcdiv_(exp_avg, denom, value=-step_size)
    }

    @Test func adamFirstStepByHand() throws {
        // step 1: m̂ = g, v̂ = g², so p = 1 − 0.001 · 0.5 / (0.5 + 1e-8)
        var model = Self.single([1], [0.5])
        var adam = try Adam<Double>()
        try adam.step(&model)
        #expect(Self.close(model.p, [1 - 0.001 * 0.5 / (0.5 + 1e-8)]))
        #expect(adam.state.map(\.name) == ["step", "w.exp_avg", "w.exp_avg_sq"])
        #expect(Self.close(adam.state[1].value.scalars, [0.05]))
        #expect(Self.close(adam.state[2].value.scalars, [0.00025]))
    }

    @Test(arguments: [(0.0, 0.0), (0.1, 0.0), (0.0, 0.1)])
    func adamAgainstTorchFormulas(_ l2: Double, _ decoupled: Double) throws {
        let gradients: [[Double]] = [[0.5, -1, 2e-3], [0.25, -0.5, 1], [-0.75, 0.1, 0], [0.3, 0.3, -4]]
        var model = Self.single([1, -2, 0.5], gradients[0])
        var optimizer: any Optimizer<Double> = decoupled > 0
            ? try AdamW<Double>(learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: decoupled)
            : try Adam<Double>(learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: l2)
        var (p, m, v) = ([1.0, -2, 0.5], [0.0, 0, 0], [0.0, 0, 0])
        for (step, g) in gradients.enumerated() {
            model.gradients["w"] = Tensor(g)
            try optimizer.step(&model)
            for i in 0..<3 {
                Self.torchAdam(
                    p: &p[i], m: &m[i], v: &v[i], g: g[i], t: step + 1, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6,
                    l2: l2, decoupled: decoupled)
            }
            #expect(Self.close(model.p, p, 1e-14), "step \(step + 1): \(model.p) vs \(p)")
        }
    }

    @Test func adamWDecaysDecoupled() throws {
        // a zero gradient leaves Adam's update at 0: only p · (1 − lr · wd) remains
        var model = Self.single([2], [0])
        var adamW = try AdamW<Double>(learningRate: 0.1, weightDecay: 0.5)
        try adamW.step(&model)
        #expect(Self.close(model.p, [2 * (1 - 0.05)]))
    }

    /// Exporting the state after some steps and importing it into a new optimiser continues
    /// exactly, in Float, on a real model.
    @Test(arguments: ["sgd", "adam", "adamw"])
    func resumeContinuesExactly(_ kind: String) throws {
        func make() throws -> any Optimizer<Float> {
            switch kind {
            case "sgd": return try SGD<Float>(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3)
            case "adam": return try Adam<Float>(learningRate: 0.01)
            default: return try AdamW<Float>(learningRate: 0.01)
            }
        }
        let spec = try ModelSpec.parse("input 5x5x1, conv 2 3x3 same, batchnorm, relu, dropout 0.2, flatten, dense 3")
        var rng = NumPyRandomState(seed: 6)
        let x = try rng.randn([4, 5, 5, 1]).map { Float($0) }
        let labels = [0, 1, 2, 1]
        var model = try Sequential<Float>(spec, seed: 3)
        var optimizer = try make()
        func train(_ model: inout Sequential<Float>, _ optimizer: inout any Optimizer<Float>) throws {
            try model.trainStep(x, labels: labels, optimizer: &optimizer)
        }
        for _ in 0..<3 { try train(&model, &optimizer) }
        var resumedModel = try Sequential<Float>(spec, seed: 99)
        try resumedModel.loadState(model.state)
        var resumed = try make()
        try resumed.loadState(optimizer.state)
        #expect(resumed.stepCount == 3)
        for _ in 0..<3 {
            try train(&model, &optimizer)
            try train(&resumedModel, &resumed)
        }
        #expect(resumedModel.state.map(\.value) == model.state.map(\.value))
        #expect(resumed.state.map(\.value) == optimizer.state.map(\.value))
    }

    @Test func stateErrors() throws {
        var adam = try Adam<Double>()
        #expect(throws: ConvKitError("Adam.loadState", "the state has no 'step'")) {
            try adam.loadState([])
        }
        #expect(throws: ConvKitError("Adam.loadState", "unknown state 'w.momentum_buffer': expected 'step' or '<parameter>.exp_avg|exp_avg_sq'")) {
            try adam.loadState([NamedTensor(name: "step", value: Tensor([1.0])), NamedTensor(name: "w.momentum_buffer", value: Tensor([1.0]))])
        }
        try adam.loadState([NamedTensor(name: "step", value: Tensor([2.0]))])
        var model = Self.single([1], [0.5])
        #expect(throws: ConvKitError("Adam.step", "the state at step 2 has no 'w.exp_avg': it was exported for another model")) {
            try adam.step(&model)
        }
        try adam.loadState([
            NamedTensor(name: "step", value: Tensor([2.0])), NamedTensor(name: "w.exp_avg", value: Tensor([1.0, 2])),
            NamedTensor(name: "w.exp_avg_sq", value: Tensor([1.0])),
        ])
        #expect(throws: ConvKitError("Adam.step", "state 'w.exp_avg' has shape [2] but the parameter has [1]")) {
            try adam.step(&model)
        }
        #expect(model.p == [1])
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.learningRate(base: 0.1, at: 50) == 0.1)
        let step = LearningRateSchedule.step(every: 10, gamma: 0.5)
        #expect(step.learningRate(base: 0.1, at: 9) == 0.1)
        #expect(step.learningRate(base: 0.1, at: 10) == 0.05)
        #expect(step.learningRate(base: 0.1, at: 25) == 0.025)
        let cosine = LearningRateSchedule.cosine(total: 100, minimum: 0.001)
        #expect(cosine.learningRate(base: 0.1, at: 0) == 0.1)
        #expect(abs(cosine.learningRate(base: 0.1, at: 50) - 0.0505) < 1e-15)
        #expect(abs(cosine.learningRate(base: 0.1, at: 100) - 0.001) < 1e-15)
        #expect(abs(cosine.learningRate(base: 0.1, at: 150) - 0.001) < 1e-15)
        // PyTorch's CosineAnnealingLR closed form at t = 25: η_min + (η − η_min)(1 + cos(π/4))/2
        #expect(abs(cosine.learningRate(base: 0.1, at: 25) - (0.001 + 0.099 * (1 + cos(Double.pi / 4)) / 2)) < 1e-15)
    }
}
