package dev.trainingplanner.api.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A model definition added through the API, stored in the JSON form of the cost models' {@code ModelSpecJson}. */
@Entity
@Table(name = "custom_model")
public class CustomModel {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;
    private String definition;

    @Column(name = "created_at")
    private Instant createdAt;

    protected CustomModel() {}

    CustomModel(String name, String definition, Instant createdAt) {
        this.name = name;
        this.definition = definition;
        this.createdAt = createdAt;
    }

    public String name() {
        return name;
    }

    public String definition() {
        return definition;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
